// schema.constraint.Institution.id
CREATE CONSTRAINT institution_id_unique IF NOT EXISTS FOR (n:Institution) REQUIRE n.id IS UNIQUE

// schema.index.Institution.name
CREATE INDEX institution_name IF NOT EXISTS FOR (n:Institution) ON (n.name)

// refresh.upsert.Institution
UNWIND $rows AS row MERGE (n:InnonetNode:Institution {id: row.id}) SET n = row.props

// read.counts.Institution
MATCH (n:Institution) RETURN count(n) AS count

