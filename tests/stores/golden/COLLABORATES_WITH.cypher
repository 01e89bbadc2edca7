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

// path.shortest.8.COLLABORATES_WITH
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:COLLABORATES_WITH*1..8]-(b)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.COLLABORATES_WITH.via
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) MATCH p = shortestPath((a)-[:COLLABORATES_WITH*1..8]-(b)) WHERE all(x IN nodes(p)[1..-1] WHERE any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

