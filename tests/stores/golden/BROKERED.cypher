// schema.index.BROKERED.id
CREATE INDEX brokered_id IF NOT EXISTS FOR ()-[r:BROKERED]-() ON (r.id)

// refresh.delete.BROKERED
UNWIND $ids AS rel_id MATCH ()-[r:BROKERED {id: rel_id}]->() DELETE r

// refresh.upsert.BROKERED
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:BROKERED {id: row.id}]->(b) SET r = row.props

// read.relationships.BROKERED
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:BROKERED {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.BROKERED
MATCH ()-[r:BROKERED]->() RETURN count(r) AS count

// read.iter.BROKERED
MATCH (a:InnonetNode)-[r:BROKERED]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

