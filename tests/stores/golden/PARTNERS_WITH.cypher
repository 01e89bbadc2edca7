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

// path.shortest.8.PARTNERS_WITH
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:PARTNERS_WITH*1..8]-(b)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.PARTNERS_WITH.via
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:PARTNERS_WITH*1..8]-(b)) WHERE all(x IN nodes(p)[1..-1] WHERE any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

