// schema.index.PARTNERS_WITH.id
CREATE INDEX partners_with_id IF NOT EXISTS FOR ()-[r:PARTNERS_WITH]-() ON (r.id)

// refresh.sweep.PARTNERS_WITH
MATCH ()-[r:PARTNERS_WITH]->() WHERE r.innonet_from > $published OR r.innonet_until <= $published WITH r LIMIT $batch DELETE r RETURN count(*) AS done

// refresh.unmark.PARTNERS_WITH
MATCH ()-[r:PARTNERS_WITH]->() WHERE r.innonet_until > $published WITH r LIMIT $batch REMOVE r.innonet_until RETURN count(*) AS done

// refresh.remove.PARTNERS_WITH
UNWIND $ids AS rel_id MATCH ()-[r:PARTNERS_WITH {id: rel_id}]->() WHERE r.innonet_until IS NULL AND r.innonet_from <= $published SET r.innonet_until = $version

// refresh.create.PARTNERS_WITH
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) CREATE (a)-[:PARTNERS_WITH {id: row.props.id, date: row.props.date, amount_cny: row.props.amount_cny, weight: row.props.weight, mode: row.props.mode, note: row.props.note, innonet_from: $version}]->(b) CREATE (s)-[:HOLDS_RELATIONSHIP {id: row.props.id, innonet_from: $version}]->(s)

// refresh.replace.PARTNERS_WITH
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) CREATE (a)-[:PARTNERS_WITH {id: row.props.id, date: row.props.date, amount_cny: row.props.amount_cny, weight: row.props.weight, mode: row.props.mode, note: row.props.note, innonet_from: $version}]->(b)

// refresh.extra.PARTNERS_WITH
UNWIND $rows AS row MATCH ()-[r:PARTNERS_WITH {id: row.id}]->() WHERE r.innonet_from = $version SET r += row.extra

// refresh.collect.PARTNERS_WITH
UNWIND $ids AS rel_id MATCH ()-[r:PARTNERS_WITH {id: rel_id}]->() WHERE r.innonet_until <= $published DELETE r

// read.relationships.PARTNERS_WITH
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:PARTNERS_WITH {id: rel_id}]->(b:InnonetNode) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.PARTNERS_WITH
MATCH ()-[r:PARTNERS_WITH]->() WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN count(r) AS count

// read.iter.PARTNERS_WITH
MATCH (a:InnonetNode)-[r:PARTNERS_WITH]->(b:InnonetNode) WHERE r.id > $after AND (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN r.id AS id, a.id AS source, b.id AS target, properties(r) AS props ORDER BY r.id LIMIT $page_size

