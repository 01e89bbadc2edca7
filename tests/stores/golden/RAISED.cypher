// schema.index.RAISED.id
CREATE INDEX raised_id IF NOT EXISTS FOR ()-[r:RAISED]-() ON (r.id)

// refresh.delete.RAISED
UNWIND $ids AS rel_id MATCH ()-[r:RAISED {id: rel_id}]->() DELETE r

// refresh.upsert.RAISED
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:RAISED {id: row.id}]->(b) SET r = row.props

// read.relationships.RAISED
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:RAISED {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.RAISED
MATCH ()-[r:RAISED]->() RETURN count(r) AS count

// read.iter.RAISED
MATCH (a:InnonetNode)-[r:RAISED]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

