// schema.index.SERVES.id
CREATE INDEX serves_id IF NOT EXISTS FOR ()-[r:SERVES]-() ON (r.id)

// refresh.delete.SERVES
UNWIND $ids AS rel_id MATCH ()-[r:SERVES {id: rel_id}]->() DELETE r

// refresh.upsert.SERVES
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) MERGE (a)-[r:SERVES {id: row.id}]->(b) SET r = row.props

// read.relationships.SERVES
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:SERVES {id: rel_id}]->(b:InnonetNode) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.SERVES
MATCH ()-[r:SERVES]->() RETURN count(r) AS count

// read.iter.SERVES
MATCH (a:InnonetNode)-[r:SERVES]->(b:InnonetNode) WHERE r.id > $after RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight, r.date AS date ORDER BY r.id LIMIT $page_size

// path.shortest.8.SERVES
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:SERVES*1..8]-(b)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.SERVES.via
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:SERVES*1..8]-(b)) WHERE all(x IN nodes(p)[1..-1] WHERE any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

