// schema.constraint.Broker.id
CREATE CONSTRAINT broker_id_unique IF NOT EXISTS FOR (n:Broker) REQUIRE n.id IS UNIQUE

// schema.index.Broker.name
CREATE INDEX broker_name IF NOT EXISTS FOR (n:Broker) ON (n.name)

// refresh.create.Broker
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row CREATE (n:InnonetNode:Broker) SET n += row.props, n.innonet_from = $version CREATE (s)-[:HOLDS {innonet_from: $version}]->(n)

// read.counts.Broker
MATCH (n:Broker) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN count(n) AS count

