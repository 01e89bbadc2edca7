// schema.constraint.OverseasChannel.id
CREATE CONSTRAINT overseas_channel_id_unique IF NOT EXISTS FOR (n:OverseasChannel) REQUIRE n.id IS UNIQUE

// schema.index.OverseasChannel.name
CREATE INDEX overseas_channel_name IF NOT EXISTS FOR (n:OverseasChannel) ON (n.name)

// refresh.create.OverseasChannel
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row CREATE (n:InnonetNode:OverseasChannel) SET n += row.props, n.innonet_from = $version CREATE (s)-[:HOLDS {innonet_from: $version}]->(n)

// read.counts.OverseasChannel
MATCH (n:OverseasChannel) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN count(n) AS count

