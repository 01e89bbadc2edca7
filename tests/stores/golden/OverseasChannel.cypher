// schema.constraint.OverseasChannel.id
CREATE CONSTRAINT overseas_channel_id_unique IF NOT EXISTS FOR (n:OverseasChannel) REQUIRE n.id IS UNIQUE

// schema.index.OverseasChannel.name
CREATE INDEX overseas_channel_name IF NOT EXISTS FOR (n:OverseasChannel) ON (n.name)

// refresh.upsert.OverseasChannel
UNWIND $rows AS row MERGE (n:InnonetNode:OverseasChannel {id: row.id}) SET n = row.props

// read.counts.OverseasChannel
MATCH (n:OverseasChannel) RETURN count(n) AS count

