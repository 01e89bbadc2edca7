// schema.index.SERVES.id
CREATE INDEX serves_id IF NOT EXISTS FOR ()-[r:SERVES]-() ON (r.id)

// refresh.delete.SERVES
UNWIND $ids AS rel_id MATCH ()-[r:SERVES {id: rel_id}]->() DELETE r

// refresh.upsert.SERVES
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:SERVES {id: row.id}]->(b) SET r = row.props

// read.relationships.SERVES
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:SERVES {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.SERVES
MATCH ()-[r:SERVES]->() RETURN count(r) AS count

// read.iter.SERVES
MATCH (a:InnonetNode)-[r:SERVES]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

