// schema.index.SOLVES.id
CREATE INDEX solves_id IF NOT EXISTS FOR ()-[r:SOLVES]-() ON (r.id)

// refresh.delete.SOLVES
UNWIND $ids AS rel_id MATCH ()-[r:SOLVES {id: rel_id}]->() DELETE r

// refresh.upsert.SOLVES
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:SOLVES {id: row.id}]->(b) SET r = row.props

// read.relationships.SOLVES
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:SOLVES {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.SOLVES
MATCH ()-[r:SOLVES]->() RETURN count(r) AS count

// read.iter.SOLVES
MATCH (a:InnonetNode)-[r:SOLVES]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

