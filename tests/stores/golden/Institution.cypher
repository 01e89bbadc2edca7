// schema.constraint.Institution.id
CREATE CONSTRAINT institution_id_unique IF NOT EXISTS FOR (n:Institution) REQUIRE n.id IS UNIQUE

// schema.index.Institution.name
CREATE INDEX institution_name IF NOT EXISTS FOR (n:Institution) ON (n.name)

// refresh.create.Institution
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row CREATE (n:InnonetNode:Institution) SET n += row.props, n.innonet_from = $version CREATE (s)-[:HOLDS {innonet_from: $version}]->(n)

// read.counts.Institution
MATCH (n:Institution) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN count(n) AS count

