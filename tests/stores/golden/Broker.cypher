// schema.constraint.Broker.id
CREATE CONSTRAINT broker_id_unique IF NOT EXISTS FOR (n:Broker) REQUIRE n.id IS UNIQUE

// schema.index.Broker.name
CREATE INDEX broker_name IF NOT EXISTS FOR (n:Broker) ON (n.name)

// refresh.upsert.Broker
UNWIND $rows AS row MERGE (n:InnonetNode:Broker {id: row.id}) SET n = row.props

// read.counts.Broker
MATCH (n:Broker) RETURN count(n) AS count

