// schema.constraint.Achievement.id
CREATE CONSTRAINT achievement_id_unique IF NOT EXISTS FOR (n:Achievement) REQUIRE n.id IS UNIQUE

// schema.index.Achievement.title
CREATE INDEX achievement_title IF NOT EXISTS FOR (n:Achievement) ON (n.title)

// refresh.create.Achievement
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row CREATE (n:InnonetNode:Achievement) SET n += row.props, n.innonet_from = $version CREATE (s)-[:HOLDS {innonet_from: $version}]->(n)

// read.counts.Achievement
MATCH (n:Achievement) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN count(n) AS count

