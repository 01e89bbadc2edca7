// schema.index.TRANSFERRED_TO.id
CREATE INDEX transferred_to_id IF NOT EXISTS FOR ()-[r:TRANSFERRED_TO]-() ON (r.id)

// refresh.sweep.TRANSFERRED_TO
MATCH ()-[r:TRANSFERRED_TO]->() WHERE r.innonet_from > $published OR r.innonet_until <= $published WITH r LIMIT $batch DELETE r RETURN count(*) AS done

// refresh.unmark.TRANSFERRED_TO
MATCH ()-[r:TRANSFERRED_TO]->() WHERE r.innonet_until > $published WITH r LIMIT $batch REMOVE r.innonet_until RETURN count(*) AS done

// refresh.remove.TRANSFERRED_TO
UNWIND $ids AS rel_id MATCH ()-[r:TRANSFERRED_TO {id: rel_id}]->() WHERE r.innonet_until IS NULL AND r.innonet_from <= $published SET r.innonet_until = $version

// refresh.create.TRANSFERRED_TO
UNWIND $rows AS row MATCH (a:InnonetNode {id: row.source}) MATCH (b:InnonetNode {id: row.target}) CREATE (a)-[r:TRANSFERRED_TO]->(b) SET r = row.props, r.innonet_from = $version

// refresh.collect.TRANSFERRED_TO
UNWIND $ids AS rel_id MATCH ()-[r:TRANSFERRED_TO {id: rel_id}]->() WHERE r.innonet_until <= $published DELETE r

// read.relationships.TRANSFERRED_TO
UNWIND $ids AS rel_id MATCH (a:InnonetNode)-[r:TRANSFERRED_TO {id: rel_id}]->(b:InnonetNode) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props

// read.counts.TRANSFERRED_TO
MATCH ()-[r:TRANSFERRED_TO]->() WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN count(r) AS count

// read.iter.TRANSFERRED_TO
MATCH (a:InnonetNode)-[r:TRANSFERRED_TO]->(b:InnonetNode) WHERE r.id > $after AND (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN r.id AS id, a.id AS source, b.id AS target, r.weight AS weight ORDER BY r.id LIMIT $page_size

// path.shortest.8.TRANSFERRED_TO
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) MATCH p = shortestPath((a)-[:TRANSFERRED_TO*1..8]-(b)) WHERE all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.TRANSFERRED_TO.via
MATCH (a:InnonetNode {id: $source}), (b:InnonetNode {id: $target}) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) MATCH p = shortestPath((a)-[:TRANSFERRED_TO*1..8]-(b)) WHERE all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p)[1..-1] WHERE any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

