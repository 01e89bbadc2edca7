// schema.constraint.Investor.id
CREATE CONSTRAINT investor_id_unique IF NOT EXISTS FOR (n:Investor) REQUIRE n.id IS UNIQUE

// schema.index.Investor.name
CREATE INDEX investor_name IF NOT EXISTS FOR (n:Investor) ON (n.name)

// refresh.upsert.Investor
UNWIND $rows AS row MERGE (n:InnonetNode:Investor {id: row.id}) SET n = row.props

// read.counts.Investor
MATCH (n:Investor) RETURN count(n) AS count

