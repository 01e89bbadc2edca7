// schema.index.COLLABORATES_WITH.id
CREATE INDEX collaborates_with_id IF NOT EXISTS FOR ()-[r:COLLABORATES_WITH]-() ON (r.id)

// refresh.delete.COLLABORATES_WITH
UNWIND $ids AS rel_id MATCH ()-[r:COLLABORATES_WITH {id: rel_id}]->() DELETE r

// refresh.upsert.COLLABORATES_WITH
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:COLLABORATES_WITH {id: row.id}]->(b) SET r = row.props

// read.relationships.COLLABORATES_WITH
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:COLLABORATES_WITH {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.COLLABORATES_WITH
MATCH ()-[r:COLLABORATES_WITH]->() RETURN count(r) AS count

// read.iter.COLLABORATES_WITH
MATCH (a:InnonetNode)-[r:COLLABORATES_WITH]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

