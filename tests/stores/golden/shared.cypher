// schema.constraint.InnonetNode.id
CREATE CONSTRAINT innonet_node_id_unique IF NOT EXISTS FOR (n:InnonetNode) REQUIRE n.id IS UNIQUE

// schema.constraint.InnonetSource.name
CREATE CONSTRAINT innonet_source_name_unique IF NOT EXISTS FOR (n:InnonetSource) REQUIRE n.name IS UNIQUE

// schema.constraint.InnonetMeta.key
CREATE CONSTRAINT innonet_meta_key_unique IF NOT EXISTS FOR (n:InnonetMeta) REQUIRE n.key IS UNIQUE

// schema.index.InnonetNode.innonet_name.id
CREATE INDEX innonet_node_name_id IF NOT EXISTS FOR (n:InnonetNode) ON (n.innonet_name, n.id)

// schema.index.InnonetNode.innonet_search
CREATE TEXT INDEX innonet_node_search IF NOT EXISTS FOR (n:InnonetNode) ON (n.innonet_search)

// schema.index.InnonetNode.kind
CREATE INDEX innonet_node_kind IF NOT EXISTS FOR (n:InnonetNode) ON (n.kind)

// schema.index.InnonetNode.country
CREATE INDEX innonet_node_country IF NOT EXISTS FOR (n:InnonetNode) ON (n.country)

// schema.index.InnonetNode.region
CREATE INDEX innonet_node_region IF NOT EXISTS FOR (n:InnonetNode) ON (n.region)

// schema.index.HOLDS_RELATIONSHIP.id
CREATE INDEX holds_relationship_id IF NOT EXISTS FOR ()-[r:HOLDS_RELATIONSHIP]-() ON (r.id)

// schema.await
CALL db.awaitIndexes($seconds)

// refresh.meta.create
MERGE (m:InnonetMeta {key: 'graph'}) ON CREATE SET m.published = 0, m.data_version = $data_version, m.layout = $layout, m.refresh_lock = $no_lock, m.refresh_lock_until = 0, m.refresh_dirty = false

// refresh.meta.lock
MATCH (m:InnonetMeta {key: 'graph'}) SET m.refresh_lock_checked = datetime.realtime().epochMillis

// refresh.lock.acquire
MATCH (m:InnonetMeta {key: 'graph'}) WITH m, datetime.realtime().epochMillis AS now, coalesce(m.refresh_dirty, false) AS dirty WHERE m.refresh_lock IS NULL OR m.refresh_lock_until < now SET m.refresh_lock = $tag, m.refresh_lock_until = now + $lease_ms, m.refresh_dirty = true RETURN m.published AS published, dirty

// refresh.lock.renew
MATCH (m:InnonetMeta {key: 'graph'}) WHERE m.refresh_lock = $tag SET m.refresh_lock_until = datetime.realtime().epochMillis + $lease_ms RETURN m.published AS published

// refresh.lock.release
MATCH (m:InnonetMeta {key: 'graph'}) WHERE m.refresh_lock = $tag SET m.refresh_dirty = CASE WHEN $dirty THEN true END REMOVE m.refresh_lock, m.refresh_lock_until RETURN count(m) AS released

// read.nodes
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id}) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props

// read.holders.nodes
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id}) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN n.id AS id, labels(n) AS labels, [(s:InnonetSource)-[h:HOLDS]->(n) WHERE (h.innonet_from <= $published AND (h.innonet_until IS NULL OR h.innonet_until > $published)) | s.name] AS sources

// read.holders.relationships
UNWIND $ids AS rel_id MATCH (s)-[x:HOLDS_RELATIONSHIP {id: rel_id}]->() WHERE (x.innonet_from <= $published AND (x.innonet_until IS NULL OR x.innonet_until > $published)) RETURN rel_id AS id, collect(s.name) AS sources

// refresh.held.nodes
MATCH (:InnonetSource {name: $source})-[h:HOLDS]->(n:InnonetNode) WHERE (h.innonet_from <= $published AND (h.innonet_until IS NULL OR h.innonet_until > $published)) RETURN n.id AS id

// refresh.held.relationships
MATCH (:InnonetSource {name: $source})-[x:HOLDS_RELATIONSHIP]->() WHERE (x.innonet_from <= $published AND (x.innonet_until IS NULL OR x.innonet_until > $published)) RETURN x.id AS id

// refresh.any_node
MATCH (n:InnonetNode) RETURN count(n) > 0 AS any

// refresh.source
MERGE (s:InnonetSource {name: $source}) ON CREATE SET s.innonet_from = $version, s.loaded_at = $loaded_at

// refresh.stage.nodes
UNWIND $rows AS row CREATE (s:InnonetStaged) SET s = row.props

// refresh.hold.nodes
MATCH (s:InnonetSource {name: $source}) UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id}) CREATE (s)-[:HOLDS {innonet_from: $version}]->(n)

// refresh.release.nodes
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id})<-[h:HOLDS]-(s) WHERE s.name = $source AND h.innonet_until IS NULL SET h.innonet_until = $version

// refresh.remove.nodes
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id}) SET n.innonet_until = $version

// refresh.remove.node_links
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id})-[r]-() WHERE r.innonet_until IS NULL SET r.innonet_until = $version

// refresh.hold.relationships
MATCH (s:InnonetSource {name: $source}) UNWIND $ids AS rel_id CREATE (s)-[:HOLDS_RELATIONSHIP {id: rel_id, innonet_from: $version}]->(s)

// refresh.release.relationships
UNWIND $ids AS rel_id MATCH (s)-[x:HOLDS_RELATIONSHIP {id: rel_id}]->() WHERE s.name = $source AND x.innonet_until IS NULL SET x.innonet_until = $version

// refresh.remove.holdings
UNWIND $ids AS rel_id MATCH ()-[x:HOLDS_RELATIONSHIP {id: rel_id}]->() WHERE x.innonet_until IS NULL SET x.innonet_until = $version

// refresh.relationships.touching
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id})-[r:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES]-() WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) RETURN DISTINCT r.id AS id, type(r) AS type

// refresh.publish.staged
MATCH (s:InnonetStaged) MATCH (n:InnonetNode {id: s.id}) WITH n, s, n.innonet_from AS born SET n = properties(s), n.innonet_from = born DELETE s

// refresh.publish.source
MATCH (s:InnonetSource {name: $source}) SET s.loaded_at = $loaded_at

// refresh.publish.version
MATCH (m:InnonetMeta {key: 'graph'}) SET m.published = $version, m.data_version = $data_version, m.layout = $layout

// refresh.collect.nodes
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id}) WHERE n.innonet_until <= $published DETACH DELETE n

// refresh.collect.holds
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id})<-[h:HOLDS]-() WHERE h.innonet_until <= $published DELETE h

// refresh.collect.holdings
UNWIND $ids AS rel_id MATCH ()-[x:HOLDS_RELATIONSHIP {id: rel_id}]->() WHERE x.innonet_until <= $published DELETE x

// refresh.sweep.HOLDS
MATCH ()-[r:HOLDS]->() WHERE r.innonet_from > $published OR r.innonet_until <= $published WITH r LIMIT $batch DELETE r RETURN count(*) AS done

// refresh.sweep.HOLDS_RELATIONSHIP
MATCH ()-[r:HOLDS_RELATIONSHIP]->() WHERE r.innonet_from > $published OR r.innonet_until <= $published WITH r LIMIT $batch DELETE r RETURN count(*) AS done

// refresh.sweep.InnonetNode
MATCH (n:InnonetNode) WHERE n.innonet_from > $published OR n.innonet_until <= $published WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS done

// refresh.sweep.InnonetSource
MATCH (n:InnonetSource) WHERE n.innonet_from > $published OR n.innonet_until <= $published WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS done

// refresh.unmark.HOLDS
MATCH ()-[r:HOLDS]->() WHERE r.innonet_until > $published WITH r LIMIT $batch REMOVE r.innonet_until RETURN count(*) AS done

// refresh.unmark.HOLDS_RELATIONSHIP
MATCH ()-[r:HOLDS_RELATIONSHIP]->() WHERE r.innonet_until > $published WITH r LIMIT $batch REMOVE r.innonet_until RETURN count(*) AS done

// refresh.unmark.InnonetNode
MATCH (n:InnonetNode) WHERE n.innonet_until > $published WITH n LIMIT $batch REMOVE n.innonet_until RETURN count(*) AS done

// refresh.unmark.InnonetSource
MATCH (n:InnonetSource) WHERE n.innonet_until > $published WITH n LIMIT $batch REMOVE n.innonet_until RETURN count(*) AS done

// refresh.sweep.staged
MATCH (s:InnonetStaged) WITH s LIMIT $batch DELETE s RETURN count(*) AS done

// admin.wipe.relationships
MATCH ()-[r]->() WITH r LIMIT $batch DELETE r RETURN count(*) AS deleted

// admin.wipe
MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted

// read.data_version
MATCH (m:InnonetMeta {key: 'graph'}) RETURN m.data_version AS version, m.published AS published

// read.layout
MATCH (m:InnonetMeta {key: 'graph'}) RETURN m.data_version AS version, m.layout AS layout

// read.relationships_of
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id})-[r:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES]-(m:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) AND ($types IS NULL OR type(r) IN $types) WITH DISTINCT r RETURN r.id AS id, type(r) AS type, startNode(r).id AS source, endNode(r).id AS target, properties(r) AS props ORDER BY id

// read.relationships_among
UNWIND $ids AS node_id MATCH (n:InnonetNode {id: node_id})-[r:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES]->(m:InnonetNode) WHERE $members[m.id] IS NOT NULL AND (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) AND ($types IS NULL OR type(r) IN $types) RETURN r.id AS id, type(r) AS type, n.id AS source, m.id AS target, properties(r) AS props

// read.sources
MATCH (s:InnonetSource) WHERE (s.innonet_from <= $published AND (s.innonet_until IS NULL OR s.innonet_until > $published)) RETURN s.name AS name, s.loaded_at AS loaded_at, size([(s)-[h:HOLDS]->() WHERE (h.innonet_from <= $published AND (h.innonet_until IS NULL OR h.innonet_until > $published)) | 1]) AS nodes, size([(s)-[x:HOLDS_RELATIONSHIP]->() WHERE (x.innonet_from <= $published AND (x.innonet_until IS NULL OR x.innonet_until > $published)) | 1]) AS relationships ORDER BY name

// read.iter.nodes
MATCH (n:InnonetNode) WHERE n.id > $after AND (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.id LIMIT $page_size

// read.search.page.all
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.all.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text RETURN count(n) AS total

// read.search.page.text
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds RETURN count(n) AS total

// read.search.page.kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.kinds.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.country = $country RETURN count(n) AS total

// read.search.page.country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.region = $region RETURN count(n) AS total

// read.search.page.region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) RETURN count(n) AS total

// read.search.page.text+types
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds RETURN count(n) AS total

// read.search.page.text+kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+kinds.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.country = $country RETURN count(n) AS total

// read.search.page.text+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.region = $region RETURN count(n) AS total

// read.search.page.text+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.types+kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds RETURN count(n) AS total

// read.search.page.types+kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types+kinds.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.types+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country RETURN count(n) AS total

// read.search.page.types+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types+country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.types+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.region = $region RETURN count(n) AS total

// read.search.page.types+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.country = $country RETURN count(n) AS total

// read.search.page.kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.kinds+country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.region = $region RETURN count(n) AS total

// read.search.page.kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.kinds+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types+kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds RETURN count(n) AS total

// read.search.page.text+types+kinds
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types+kinds.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country RETURN count(n) AS total

// read.search.page.text+types+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types+country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.region = $region RETURN count(n) AS total

// read.search.page.text+types+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.country = $country RETURN count(n) AS total

// read.search.page.text+kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+kinds+country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.region = $region RETURN count(n) AS total

// read.search.page.text+kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+kinds+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.text+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.types+kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country RETURN count(n) AS total

// read.search.page.types+kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types+kinds+country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.types+kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.region = $region RETURN count(n) AS total

// read.search.page.types+kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types+kinds+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.types+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.types+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types+country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.kinds+country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types+kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country RETURN count(n) AS total

// read.search.page.text+types+kinds+country
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types+kinds+country.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types+kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.region = $region RETURN count(n) AS total

// read.search.page.text+types+kinds+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types+kinds+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.text+types+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types+country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.text+kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+kinds+country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.types+kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.types+kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.types+kinds+country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.count.text+types+kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.region = $region RETURN count(n) AS total

// read.search.page.text+types+kinds+country+region
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name IS NOT NULL AND n.id IS NOT NULL RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// read.search.page.text+types+kinds+country+region.after
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) AND n.innonet_search CONTAINS $text AND any(l IN labels(n) WHERE l IN $types) AND n.kind IN $kinds AND n.country = $country AND n.region = $region AND n.innonet_name >= $after_name AND n.id IS NOT NULL AND (n.innonet_name > $after_name OR n.id > $after_id) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props ORDER BY n.innonet_name, n.id LIMIT $page_size

// path.shortest.1
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..1]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.1.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..1]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.1.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..1]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.1.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..1]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.2
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..2]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.2.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..2]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.2.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..2]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.2.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..2]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.3
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..3]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.3.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..3]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.3.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..3]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.3.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..3]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.4
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..4]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.4.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..4]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.4.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..4]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.4.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..4]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.5
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..5]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.5.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..5]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.5.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..5]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.5.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..5]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.6
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..6]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.6.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..6]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.6.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..6]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.6.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..6]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.7
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..7]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.7.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..7]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.7.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..7]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.7.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..7]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..8]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..8]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.typed
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..8]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// path.shortest.8.typed.via
MATCH p = shortestPath((a:InnonetNode {id: $source})-[:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES*1..8]-(b:InnonetNode {id: $target})) WHERE (a.innonet_from <= $published AND (a.innonet_until IS NULL OR a.innonet_until > $published)) AND (b.innonet_from <= $published AND (b.innonet_until IS NULL OR b.innonet_until > $published)) AND all(r IN relationships(p) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published))) AND all(r IN relationships(p) WHERE type(r) IN $types) AND all(x IN nodes(p) WHERE x = a OR x = b OR any(l IN labels(x) WHERE l IN $via)) RETURN [r IN relationships(p) | {id: r.id, type: type(r), source: startNode(r).id, target: endNode(r).id, props: properties(r)}] AS rels

// centrality.degree
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN n.id AS id, size([(n)-[r:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES]-(:InnonetNode) WHERE (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) | r]) AS score

// gds.version
CALL gds.version() YIELD gdsVersion RETURN gdsVersion AS version

// gds.nodes
MATCH (n:InnonetNode) WHERE (n.innonet_from <= $published AND (n.innonet_until IS NULL OR n.innonet_until > $published)) RETURN count(n) AS count

// gds.project.U
MATCH (s:InnonetNode) WHERE (s.innonet_from <= $published AND (s.innonet_until IS NULL OR s.innonet_until > $published)) OPTIONAL MATCH (s)-[r:DEVELOPED|TRANSFERRED_TO|BROKERED|SERVES|INVESTED_IN|PARTNERS_WITH|COLLABORATES_WITH|RAISED|SOLVES]-(t:InnonetNode) WHERE s.id < t.id AND (r.innonet_from <= $published AND (r.innonet_until IS NULL OR r.innonet_until > $published)) WITH DISTINCT s, t RETURN gds.graph.project($graph, s, t, {}, {undirectedRelationshipTypes: ['*']}) AS g

// gds.drop
CALL gds.graph.`drop`($graph, false) YIELD graphName RETURN graphName

// gds.stream.BETWEENNESS
CALL gds.betweenness.stream($graph) YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score

// gds.stream.CLOSENESS
CALL gds.closeness.stream($graph, {useWassermanFaust: true}) YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score

// gds.stream.HARMONIC
CALL gds.closeness.harmonic.stream($graph) YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score

// gds.stream.BETWEENNESS.sampled
CALL gds.betweenness.stream($graph, {samplingSize: $samples, samplingSeed: $seed}) YIELD nodeId, score RETURN gds.util.asNode(nodeId).id AS id, score

