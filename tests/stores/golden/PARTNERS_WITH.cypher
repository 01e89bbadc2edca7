// schema.index.PARTNERS_WITH.id
CREATE INDEX partners_with_id IF NOT EXISTS FOR ()-[r:PARTNERS_WITH]-() ON (r.id)

// refresh.delete.PARTNERS_WITH
UNWIND $ids AS rel_id MATCH ()-[r:PARTNERS_WITH {id: rel_id}]->() DELETE r

// refresh.upsert.PARTNERS_WITH
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:PARTNERS_WITH {id: row.id}]->(b) SET r = row.props

// read.relationships.PARTNERS_WITH
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:PARTNERS_WITH {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.PARTNERS_WITH
MATCH ()-[r:PARTNERS_WITH]->() RETURN count(r) AS count

// read.iter.PARTNERS_WITH
MATCH (a:InnonetNode)-[r:PARTNERS_WITH]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

