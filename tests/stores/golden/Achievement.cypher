// schema.constraint.Achievement.id
CREATE CONSTRAINT achievement_id_unique IF NOT EXISTS FOR (n:Achievement) REQUIRE n.id IS UNIQUE

// schema.index.Achievement.title
CREATE INDEX achievement_title IF NOT EXISTS FOR (n:Achievement) ON (n.title)

// refresh.upsert.Achievement
UNWIND $rows AS row MERGE (n:InnonetNode:Achievement {id: row.id}) SET n = row.props

// read.counts.Achievement
MATCH (n:Achievement) RETURN count(n) AS count

