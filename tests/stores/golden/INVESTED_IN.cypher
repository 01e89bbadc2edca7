// schema.index.INVESTED_IN.id
CREATE INDEX invested_in_id IF NOT EXISTS FOR ()-[r:INVESTED_IN]-() ON (r.id)

// refresh.delete.INVESTED_IN
UNWIND $ids AS rel_id MATCH ()-[r:INVESTED_IN {id: rel_id}]->() DELETE r

// refresh.upsert.INVESTED_IN
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:INVESTED_IN {id: row.id}]->(b) SET r = row.props

// read.relationships.INVESTED_IN
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:INVESTED_IN {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.INVESTED_IN
MATCH ()-[r:INVESTED_IN]->() RETURN count(r) AS count

// read.iter.INVESTED_IN
MATCH (a:InnonetNode)-[r:INVESTED_IN]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

