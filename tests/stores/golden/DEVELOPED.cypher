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

// path.shortest.8.DEVELOPED
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:DEVELOPED*1..8]-(b)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.DEVELOPED.via
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:DEVELOPED*1..8]-(b)) WHERE all(x IN nodes(p)[1..-1] WHERE any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

