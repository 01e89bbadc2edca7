// schema.index.INVESTED_IN.id
CREATE INDEX invested_in_id IF NOT EXISTS FOR ()-[r:INVESTED_IN]-() ON (r.id)

// refresh.sweep.INVESTED_IN
MATCH ()-[r:INVESTED_IN]->() WHERE r.innonet_from > $published OR r.innonet_until <= $published WITH r LIMIT $batch DELETE r RETURN count(*) AS done

// refresh.unmark.INVESTED_IN
MATCH ()-[r:INVESTED_IN]->() WHERE r.innonet_until > $published WITH r LIMIT $batch REMOVE r.innonet_until RETURN count(*) AS done

// refresh.remove.INVESTED_IN
UNWIND $ids AS rel_id MATCH ()-[r:INVESTED_IN {id: rel_id}]->() WHERE r.innonet_until IS NULL AND r.innonet_from <= $published SET r.innonet_until = $version

// refresh.create.INVESTED_IN
MATCH (s:InnonetSource {name: $source}) UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) CREATE (a)-[:INVESTED_IN {id: row.props.id, date: row.props.date, amount_cny: row.props.amount_cny, weight: row.props.weight, mode: row.props.mode, note: row.props.note, innonet_from: $version}]->(b) CREATE (s)-[:HOLDS_RELATIONSHIP {id: row.props.id, innonet_from: $version}]->(s)

// refresh.replace.INVESTED_IN
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) CREATE (a)-[:INVESTED_IN {id: row.props.id, date: row.props.date, amount_cny: row.props.amount_cny, weight: row.props.weight, mode: row.props.mode, note: row.props.note, innonet_from: $version}]->(b)

// refresh.extra.INVESTED_IN
UNWIND $rows AS row MATCH ()-[r:INVESTED_IN {id: row.id}]->() WHERE r.innonet_from = $version SET r += row.extra

// refresh.collect.INVESTED_IN
UNWIND $ids AS rel_id MATCH ()-[r:INVESTED_IN {id: rel_id}]->() WHERE r.innonet_until <= $published DELETE r

// read.relationships.INVESTED_IN
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:INVESTED_IN {id: rel_id}]->(b:InnonetNode) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.INVESTED_IN
MATCH ()-[r:INVESTED_IN]->() WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN count(r) AS count

// read.iter.INVESTED_IN
MATCH (a:InnonetNode)-[r:INVESTED_IN]->(b:InnonetNode) WHERE r.id > $after AND (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN r.id AS id, a.id AS source, b.id AS target, properties(r) AS props ORDER BY r.id LIMIT $page_size

