// schema.constraint.Demand.id
CREATE CONSTRAINT demand_id_unique IF NOT EXISTS FOR (n:Demand) REQUIRE n.id IS UNIQUE

// schema.index.Demand.title
CREATE INDEX demand_title IF NOT EXISTS FOR (n:Demand) ON (n.title)

// refresh.create.Demand
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row CREATE (n:InnonetNode:Demand) SET n += row.props, n.innonet_from = $version CREATE (s)-[:HOLDS {innonet_from: $version}]->(n)

// read.counts.Demand
MATCH (n:Demand) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN count(n) AS count

