// schema.index.TRANSFERRED_TO.id
CREATE INDEX transferred_to_id IF NOT EXISTS FOR ()-[r:TRANSFERRED_TO]-() ON (r.id)

// refresh.delete.TRANSFERRED_TO
UNWIND $ids AS rel_id MATCH ()-[r:TRANSFERRED_TO {id: rel_id}]->() DELETE r

// refresh.upsert.TRANSFERRED_TO
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:TRANSFERRED_TO {id: row.id}]->(b) SET r = row.props

// read.relationships.TRANSFERRED_TO
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:TRANSFERRED_TO {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.TRANSFERRED_TO
MATCH ()-[r:TRANSFERRED_TO]->() RETURN count(r) AS count

// read.iter.TRANSFERRED_TO
MATCH (a:InnonetNode)-[r:TRANSFERRED_TO]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

