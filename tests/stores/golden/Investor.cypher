// schema.constraint.Investor.id
CREATE CONSTRAINT investor_id_unique IF NOT EXISTS FOR (n:Investor) REQUIRE n.id IS UNIQUE

// schema.index.Investor.name
CREATE INDEX investor_name IF NOT EXISTS FOR (n:Investor) ON (n.name)

// refresh.create.Investor
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row CREATE (n:InnonetNode:Investor) SET n += row.props, n.innonet_from = $version CREATE (s)-[:HOLDS {innonet_from: $version}]->(n)

// read.counts.Investor
MATCH (n:Investor) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN count(n) AS count

