// schema.constraint.Demand.id
CREATE CONSTRAINT demand_id_unique IF NOT EXISTS FOR (n:Demand) REQUIRE n.id IS UNIQUE

// schema.index.Demand.title
CREATE INDEX demand_title IF NOT EXISTS FOR (n:Demand) ON (n.title)

// refresh.upsert.Demand
UNWIND $rows AS row MERGE (n:InnonetNode:Demand {id: row.id}) SET n = row.props

// read.counts.Demand
MATCH (n:Demand) RETURN count(n) AS count

