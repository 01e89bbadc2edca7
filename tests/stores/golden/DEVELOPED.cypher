// schema.index.DEVELOPED.id
CREATE INDEX developed_id IF NOT EXISTS FOR ()-[r:DEVELOPED]-() ON (r.id)

// refresh.delete.DEVELOPED
UNWIND $ids AS rel_id MATCH ()-[r:DEVELOPED {id: rel_id}]->() DELETE r

// refresh.upsert.DEVELOPED
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:DEVELOPED {id: row.id}]->(b) SET r = row.props

// read.relationships.DEVELOPED
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:DEVELOPED {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.DEVELOPED
MATCH ()-[r:DEVELOPED]->() RETURN count(r) AS count

// read.iter.DEVELOPED
MATCH (a:InnonetNode)-[r:DEVELOPED]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

