/* queries._columns: a graph read from a store put in integer form (queries.projection's
 * from_columns and _assemble), on arrays and byte buffers, no Python object per value.
 *
 * Texts are UTF-8 bytes, text i at data[starts[i]:ends[i]] (queries.projection.Strings); a
 * column read in bulk is one buffer whose texts are joined by COLUMN_SEPARATOR, a byte that no
 * other character's UTF-8 holds. Outputs are arrays the caller made (numpy.empty), filled in
 * place; the GIL is released while no Python object is touched. Input that is not what it
 * should be (a text outside its buffer, a node index out of range, too few or too many values)
 * is refused with ValueError, never read past. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATOR 0x1f /* graphsvc.stores.contract.COLUMN_SEPARATOR */
#define NONE (-1)      /* a text that is not a key; a column's empty value */

enum Outcome { DONE, OUT_OF_MEMORY, BAD_TEXTS, BAD_COUNT, BAD_GRAPH, TOO_LARGE };

static PyObject *fail(enum Outcome outcome) {
    switch (outcome) {
    case OUT_OF_MEMORY:
        return PyErr_NoMemory();
    case BAD_TEXTS:
        PyErr_SetString(PyExc_ValueError, "a text's start or end lies outside its buffer");
        return NULL;
    case BAD_COUNT:
        PyErr_SetString(PyExc_ValueError, "the buffer does not hold that many joined texts");
        return NULL;
    case BAD_GRAPH:
        PyErr_SetString(PyExc_ValueError, "a relationship's end is not a node index");
        return NULL;
    case TOO_LARGE:
        PyErr_SetString(PyExc_ValueError, "at most 2**31 - 2 nodes and 2**30 - 1 relationships");
        return NULL;
    case DONE:
        break;
    }
    return NULL;
}

/* What an argument must be: a one-dimensional contiguous buffer of `size`-byte items whose
 * struct format is one of `formats` (a NULL format, as bytes give, is "B"), writable or not;
 * `kind` names that in an error. */
typedef struct {
    const char *name;
    Py_ssize_t size;
    const char *formats;
    const char *kind;
    int writable;
} Want;

#define INT64 8, "lq", "int64 array"
#define FLOAT64 8, "d", "float64 array"
#define INT32 4, "i", "int32 array"
#define BYTES 1, "bB?c", "bytes-like object"

static int get_buffer(PyObject *object, Py_buffer *view, const Want *want) {
    const char *name = want->name, *formats = want->formats;
    const Py_ssize_t size = want->size;
    const int writable = want->writable;
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, view, flags) < 0) {
        return -1;
    }
    const char *format = view->format == NULL ? "B" : view->format;
    if (format[0] == '<' || format[0] == '=' || format[0] == '@' || format[0] == '|') {
        format++;
    }
    if (view->ndim > 1 || view->itemsize != size || strlen(format) != 1 ||
        strchr(formats, format[0]) == NULL) {
        PyErr_Format(PyExc_TypeError, "%s must be a one-dimensional %s%s", name,
                     writable ? "writable " : "", want->kind);
        PyBuffer_Release(view);
        view->obj = NULL;
        return -1;
    }
    return 0;
}

static void release_all(Py_buffer *views, int count) {
    for (int i = 0; i < count; i++) {
        if (views[i].obj != NULL) {
            PyBuffer_Release(&views[i]);
        }
    }
}

/* The buffers of arguments args[0..count), as wanted. */
static int get_all(PyObject *const *args, Py_buffer *views, const Want *wants, int count) {
    for (int i = 0; i < count; i++) {
        if (get_buffer(args[i], &views[i], &wants[i]) < 0) {
            release_all(views, i);
            return -1;
        }
    }
    return 0;
}

static Py_ssize_t items(const Py_buffer *view) { return view->len / view->itemsize; }

/* Texts: data, and the start and end of each text in it. */
typedef struct {
    const uint8_t *data;
    int64_t size;
    const int64_t *starts, *ends;
    int64_t count;
} Texts;

static int texts_of(const Py_buffer *data, const Py_buffer *starts, const Py_buffer *ends,
                    Texts *texts) {
    if (items(starts) != items(ends)) {
        PyErr_SetString(PyExc_ValueError, "starts and ends differ in length");
        return -1;
    }
    *texts = (Texts){data->buf, data->len, starts->buf, ends->buf, items(starts)};
    return 0;
}

static inline int text_ok(const Texts *texts, int64_t i) {
    return 0 <= texts->starts[i] && texts->starts[i] <= texts->ends[i] &&
           texts->ends[i] <= texts->size;
}

/* --- cut ---------------------------------------------------------------------------------- */

static enum Outcome run_cut(const uint8_t *data, int64_t size, int64_t *starts, int64_t *ends,
                            int64_t count) {
    int64_t found = 0, start = 0;
    const uint8_t *at = data, *stop = data + size;
    while (found < count) {
        const uint8_t *cut = memchr(at, SEPARATOR, (size_t)(stop - at));
        int64_t end = cut == NULL ? size : cut - data;
        starts[found] = start;
        ends[found] = end;
        found++;
        if (cut == NULL) {
            break;
        }
        start = end + 1;
        at = cut + 1;
    }
    /* every separator used, and no text left over */
    return found == count && (count == 0 ? size == 0 : ends[count - 1] == size) ? DONE : BAD_COUNT;
}

PyDoc_STRVAR(cut_doc, "cut(data, starts, ends, /)\n--\n\n"
                      "Fill starts and ends (int64, one entry per text) with where each text of\n"
                      "data (bytes, texts joined by COLUMN_SEPARATOR) starts and ends; ValueError\n"
                      "when data does not hold exactly that many texts.");

static PyObject *cut(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "cut takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    static const Want wants[] = {
        {"data", BYTES, 0}, {"starts", INT64, 1}, {"ends", INT64, 1}};
    Py_buffer views[3] = {{0}};
    if (get_all(args, views, wants, 3) < 0) {
        return NULL;
    }
    enum Outcome outcome = BAD_COUNT;
    if (items(&views[1]) == items(&views[2])) {
        Py_BEGIN_ALLOW_THREADS
        outcome = run_cut(views[0].buf, views[0].len, views[1].buf, views[2].buf, items(&views[1]));
        Py_END_ALLOW_THREADS
    }
    release_all(views, 3);
    return outcome == DONE ? Py_NewRef(Py_None) : fail(outcome);
}

/* --- ascending ---------------------------------------------------------------------------- */

/* memcmp order of two texts: UTF-8 byte order is code point order, as Python and SQLite's
 * BINARY collation compare. */
static inline int compare(const Texts *texts, int64_t a, int64_t b) {
    int64_t la = texts->ends[a] - texts->starts[a], lb = texts->ends[b] - texts->starts[b];
    int order = memcmp(texts->data + texts->starts[a], texts->data + texts->starts[b],
                       (size_t)(la < lb ? la : lb));
    return order != 0 ? order : (la > lb) - (la < lb);
}

PyDoc_STRVAR(ascending_doc, "ascending(data, starts, ends, /)\n--\n\n"
                            "True when the texts are in strictly ascending order (each one\n"
                            "greater than the one before: no text twice).");

static PyObject *ascending(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 3) {
        PyErr_Format(PyExc_TypeError, "ascending takes 3 arguments (%zd given)", nargs);
        return NULL;
    }
    static const Want wants[] = {
        {"data", BYTES, 0}, {"starts", INT64, 0}, {"ends", INT64, 0}};
    Py_buffer views[3] = {{0}};
    if (get_all(args, views, wants, 3) < 0) {
        return NULL;
    }
    Texts texts;
    if (texts_of(&views[0], &views[1], &views[2], &texts) < 0) {
        release_all(views, 3);
        return NULL;
    }
    enum Outcome outcome = DONE;
    int sorted = 1;
    Py_BEGIN_ALLOW_THREADS
    for (int64_t i = 0; i < texts.count; i++) {
        if (!text_ok(&texts, i)) {
            outcome = BAD_TEXTS;
            break;
        }
        if (sorted && i > 0 && compare(&texts, i - 1, i) >= 0) {
            sorted = 0;
        }
    }
    Py_END_ALLOW_THREADS
    release_all(views, 3);
    return outcome == DONE ? PyBool_FromLong(sorted) : fail(outcome);
}

/* --- a hash table of texts ---------------------------------------------------------------- */

/* Open addressing over texts: each slot the index of a text (NONE: empty) and its hash, side
 * by side (one cache line read a probe). */
typedef struct {
    int64_t key;
    uint64_t hash;
} Slot;

typedef struct {
    Slot *slot;
    uint64_t mask;
} Table;

static inline uint64_t hash_of(const uint8_t *text, int64_t length) {
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a, then a final mix for the low bits */
    for (int64_t i = 0; i < length; i++) {
        h = (h ^ text[i]) * 0x100000001b3u;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    return h ^ (h >> 32);
}

static int table_make(Table *table, int64_t count) {
    uint64_t size = 16;
    while (size < (uint64_t)count * 2) {
        size *= 2;
    }
    table->mask = size - 1;
    table->slot = malloc(size * sizeof(Slot));
    if (table->slot == NULL) {
        return -1;
    }
    for (uint64_t at = 0; at < size; at++) {
        table->slot[at].key = NONE;
    }
    return 0;
}

static void table_free(Table *table) { free(table->slot); }

/* The slot holding the text `text` of `length` bytes (hash h) among `keys`, or the empty slot
 * where it would go. */
static inline uint64_t table_find(const Table *table, const Texts *keys, uint64_t h,
                                  const uint8_t *text, int64_t length) {
    uint64_t at = h & table->mask;
    for (;;) {
        int64_t key = table->slot[at].key;
        if (key == NONE) {
            return at;
        }
        if (table->slot[at].hash == h && keys->ends[key] - keys->starts[key] == length &&
            memcmp(keys->data + keys->starts[key], text, (size_t)length) == 0) {
            return at;
        }
        at = (at + 1) & table->mask;
    }
}

/* --- positions ---------------------------------------------------------------------------- */

static enum Outcome run_positions(const Texts *keys, const Texts *texts, int64_t *out) {
    Table table;
    if (table_make(&table, keys->count) < 0) {
        return OUT_OF_MEMORY;
    }
    enum Outcome outcome = DONE;
    for (int64_t k = 0; k < keys->count; k++) {
        if (!text_ok(keys, k)) {
            outcome = BAD_TEXTS;
            goto done;
        }
        const uint8_t *text = keys->data + keys->starts[k];
        int64_t length = keys->ends[k] - keys->starts[k];
        uint64_t h = hash_of(text, length);
        uint64_t at = table_find(&table, keys, h, text, length);
        table.slot[at] = (Slot){k, h}; /* a key given twice: its last position, as a dict */
    }
    for (int64_t i = 0; i < texts->count; i++) {
        if (!text_ok(texts, i)) {
            outcome = BAD_TEXTS;
            goto done;
        }
        const uint8_t *text = texts->data + texts->starts[i];
        int64_t length = texts->ends[i] - texts->starts[i];
        out[i] = table.slot[table_find(&table, keys, hash_of(text, length), text, length)].key;
    }
done:
    table_free(&table);
    return outcome;
}

PyDoc_STRVAR(positions_doc,
             "positions(key_data, key_starts, key_ends, data, starts, ends, out, /)\n--\n\n"
             "Fill out (int64, one entry per text) with each text's position among the keys,\n"
             "-1 for a text that is no key (a key given twice: its last position).");

static PyObject *positions(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 7) {
        PyErr_Format(PyExc_TypeError, "positions takes 7 arguments (%zd given)", nargs);
        return NULL;
    }
    static const Want wants[] = {
        {"key_data", BYTES, 0}, {"key_starts", INT64, 0}, {"key_ends", INT64, 0},
        {"data", BYTES, 0},     {"starts", INT64, 0},     {"ends", INT64, 0},
        {"out", INT64, 1}};
    Py_buffer views[7] = {{0}};
    if (get_all(args, views, wants, 7) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    Texts keys, texts;
    if (texts_of(&views[0], &views[1], &views[2], &keys) < 0 ||
        texts_of(&views[3], &views[4], &views[5], &texts) < 0) {
        goto release;
    }
    if (items(&views[6]) != texts.count) {
        PyErr_SetString(PyExc_ValueError, "out must hold one entry per text");
        goto release;
    }
    enum Outcome outcome;
    Py_BEGIN_ALLOW_THREADS
    outcome = run_positions(&keys, &texts, views[6].buf);
    Py_END_ALLOW_THREADS
    result = outcome == DONE ? Py_NewRef(Py_None) : fail(outcome);
release:
    release_all(views, 7);
    return result;
}

/* --- codes -------------------------------------------------------------------------------- */

typedef struct {
    int64_t *items;
    int64_t count, capacity;
} Firsts;

static enum Outcome run_codes(const Texts *texts, int32_t *out, Firsts *firsts) {
    Table table;
    if (table_make(&table, 64) < 0) {
        return OUT_OF_MEMORY;
    }
    enum Outcome outcome = DONE;
    for (int64_t i = 0; i < texts->count; i++) {
        if (!text_ok(texts, i)) {
            outcome = BAD_TEXTS;
            break;
        }
        const uint8_t *text = texts->data + texts->starts[i];
        int64_t length = texts->ends[i] - texts->starts[i];
        if (length == 0) {
            out[i] = NONE;
            continue;
        }
        uint64_t h = hash_of(text, length);
        uint64_t at = table_find(&table, texts, h, text, length);
        if (table.slot[at].key == NONE) { /* a new value: its code is the count of values so far */
            if (firsts->count == INT32_MAX) {
                outcome = OUT_OF_MEMORY;
                break;
            }
            if (firsts->count == firsts->capacity) {
                int64_t capacity = firsts->capacity * 2 + 64;
                int64_t *grown = realloc(firsts->items, (size_t)capacity * sizeof(int64_t));
                if (grown == NULL) {
                    outcome = OUT_OF_MEMORY;
                    break;
                }
                firsts->items = grown;
                firsts->capacity = capacity;
            }
            firsts->items[firsts->count++] = i;
            table.slot[at] = (Slot){i, h};
            if ((uint64_t)firsts->count * 2 > table.mask) { /* keep it at most half full */
                Table bigger;
                if (table_make(&bigger, firsts->count * 2) < 0) {
                    outcome = OUT_OF_MEMORY;
                    break;
                }
                for (int64_t c = 0; c < firsts->count; c++) {
                    int64_t first = firsts->items[c];
                    const uint8_t *value = texts->data + texts->starts[first];
                    int64_t size = texts->ends[first] - texts->starts[first];
                    uint64_t hv = hash_of(value, size);
                    uint64_t to = table_find(&bigger, texts, hv, value, size);
                    bigger.slot[to] = (Slot){first, hv};
                }
                table_free(&table);
                table = bigger;
            }
            out[i] = (int32_t)(firsts->count - 1);
        } else {
            out[i] = out[table.slot[at].key];
        }
    }
    table_free(&table);
    return outcome;
}

PyDoc_STRVAR(codes_doc,
             "codes(data, starts, ends, out, /)\n--\n\n"
             "Fill out (int32, one entry per text) with each text's code, the values numbered\n"
             "in order of first appearance (-1 for the empty text); return the position of\n"
             "each value's first appearance, in code order.");

static PyObject *codes(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 4) {
        PyErr_Format(PyExc_TypeError, "codes takes 4 arguments (%zd given)", nargs);
        return NULL;
    }
    static const Want wants[] = {{"data", BYTES, 0},
                                 {"starts", INT64, 0},
                                 {"ends", INT64, 0},
                                 {"out", INT32, 1}};
    Py_buffer views[4] = {{0}};
    if (get_all(args, views, wants, 4) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    Texts texts;
    Firsts firsts = {0};
    if (texts_of(&views[0], &views[1], &views[2], &texts) < 0) {
        goto release;
    }
    if (items(&views[3]) != texts.count) {
        PyErr_SetString(PyExc_ValueError, "out must hold one entry per text");
        goto release;
    }
    enum Outcome outcome;
    Py_BEGIN_ALLOW_THREADS
    outcome = run_codes(&texts, views[3].buf, &firsts);
    Py_END_ALLOW_THREADS
    if (outcome != DONE) {
        fail(outcome);
        goto release;
    }
    result = PyList_New(firsts.count);
    for (int64_t c = 0; result != NULL && c < firsts.count; c++) {
        PyObject *first = PyLong_FromLongLong(firsts.items[c]);
        if (first == NULL) {
            Py_CLEAR(result);
            break;
        }
        PyList_SET_ITEM(result, c, first);
    }
release:
    free(firsts.items);
    release_all(views, 4);
    return result;
}

/* --- topology ----------------------------------------------------------------------------- */

typedef struct {
    int64_t n, m, types;
    const int64_t *source, *target, *type;
    const double *cost;
    const uint8_t *symmetric; /* per relation type: an arc both ways */
    int64_t *degree, *indptr, *pairs, *pair_edge, *indices, *csr_pair, *arcs;
    double *pair_cost, *csr_cost;
    int64_t pair_count, arc_count;
} Graph;

/* The working arrays of the sorts hold node indices and entry numbers as 32-bit integers: half
 * the memory to scatter into than 64-bit ones (topology at 100k: 0.055 -> 0.045 s). */
typedef int32_t Index;
#define MOST_INDEX INT32_MAX

/* Order the keys (a, b) of `count` entries by a then b, stably (equal keys in entry order):
 * two counting sorts, by b then by a, over node indices below n. `order` receives the entry
 * of each rank; `scratch` holds count entries, `counts` n + 1. */
static void sort_pairs(const Index *a, const Index *b, Index count, Index n, Index *order,
                       Index *scratch, Index *counts) {
    memset(counts, 0, (size_t)(n + 1) * sizeof(Index));
    for (Index i = 0; i < count; i++) {
        counts[b[i] + 1]++;
    }
    for (Index v = 0; v < n; v++) {
        counts[v + 1] += counts[v];
    }
    for (Index i = 0; i < count; i++) {
        scratch[counts[b[i]]++] = i;
    }
    memset(counts, 0, (size_t)(n + 1) * sizeof(Index));
    for (Index i = 0; i < count; i++) {
        counts[a[i] + 1]++;
    }
    for (Index v = 0; v < n; v++) {
        counts[v + 1] += counts[v];
    }
    for (Index r = 0; r < count; r++) {
        Index i = scratch[r];
        order[counts[a[i]]++] = i;
    }
}

static enum Outcome run_topology(Graph *g) {
    const int64_t n = g->n, m = g->m;
    for (int64_t e = 0; e < m; e++) {
        if (g->source[e] < 0 || g->source[e] >= n || g->target[e] < 0 || g->target[e] >= n ||
            g->type[e] < 0 || g->type[e] >= g->types) {
            return BAD_GRAPH;
        }
    }
    if (n >= MOST_INDEX || m >= MOST_INDEX / 2) {
        return TOO_LARGE;
    }
    /* arcs: every relationship between two nodes, and its reverse when its type is symmetric;
     * U's pairs use the first m of them (low, high) */
    Index *from = malloc((size_t)(2 * m + 1) * sizeof(Index));
    Index *to = malloc((size_t)(2 * m + 1) * sizeof(Index));
    Index *edge = malloc((size_t)(m + 1) * sizeof(Index));
    Index *order = malloc((size_t)(2 * m + 1) * sizeof(Index));
    Index *scratch = malloc((size_t)(2 * m + 1) * sizeof(Index));
    Index *counts = malloc((size_t)(n + 1) * sizeof(Index));
    enum Outcome outcome = DONE;
    if (!from || !to || !edge || !order || !scratch || !counts) {
        outcome = OUT_OF_MEMORY;
        goto done;
    }
    memset(g->degree, 0, (size_t)n * sizeof(int64_t));
    Index kept = 0;
    for (int64_t e = 0; e < m; e++) {
        Index s = (Index)g->source[e], t = (Index)g->target[e];
        g->degree[s]++;
        if (s == t) {
            continue; /* a loop counts in its node's degree, and is no edge of U or D */
        }
        g->degree[t]++;
        from[kept] = s < t ? s : t;
        to[kept] = s < t ? t : s;
        edge[kept++] = (Index)e;
    }
    /* U: the distinct pairs in order, each with its cheapest relationship (the first of equal
     * costs, the sort being stable) */
    sort_pairs(from, to, kept, (Index)n, order, scratch, counts);
    int64_t pairs = 0;
    for (Index r = 0; r < kept;) {
        Index first = order[r], low = from[first], high = to[first], best = first;
        for (r++; r < kept && from[order[r]] == low && to[order[r]] == high; r++) {
            if (g->cost[edge[order[r]]] < g->cost[edge[best]]) {
                best = order[r];
            }
        }
        g->pairs[2 * pairs] = low;
        g->pairs[2 * pairs + 1] = high;
        g->pair_edge[pairs] = edge[best];
        g->pair_cost[pairs] = g->cost[edge[best]];
        pairs++;
    }
    g->pair_count = pairs;
    /* U's rows: each row's lower neighbours come from pairs (v, u), in pair order ascending in
     * v, then its higher ones from pairs (u, v), ascending in v */
    memset(g->indptr, 0, (size_t)(n + 1) * sizeof(int64_t));
    for (int64_t p = 0; p < pairs; p++) {
        g->indptr[g->pairs[2 * p] + 1]++;
        g->indptr[g->pairs[2 * p + 1] + 1]++;
    }
    for (int64_t v = 0; v < n; v++) {
        g->indptr[v + 1] += g->indptr[v];
    }
    for (Index v = 0; v < n; v++) {
        counts[v] = (Index)g->indptr[v];
    }
    for (int side = 1; side >= 0; side--) {
        for (int64_t p = 0; p < pairs; p++) {
            int64_t row = g->pairs[2 * p + side], at = counts[row]++;
            g->indices[at] = g->pairs[2 * p + 1 - side];
            g->csr_pair[at] = p;
            g->csr_cost[at] = g->pair_cost[p];
        }
    }
    /* D: the distinct arcs in order */
    for (Index k = 0; k < kept; k++) {
        Index e = edge[k];
        from[k] = (Index)g->source[e];
        to[k] = (Index)g->target[e];
    }
    Index arcs = kept;
    for (Index k = 0; k < kept; k++) {
        Index e = edge[k];
        if (g->symmetric[g->type[e]]) {
            from[arcs] = (Index)g->target[e];
            to[arcs++] = (Index)g->source[e];
        }
    }
    sort_pairs(from, to, arcs, (Index)n, order, scratch, counts);
    int64_t distinct = 0;
    for (Index r = 0; r < arcs; r++) {
        int64_t a = from[order[r]], b = to[order[r]];
        if (distinct > 0 && g->arcs[2 * distinct - 2] == a && g->arcs[2 * distinct - 1] == b) {
            continue;
        }
        g->arcs[2 * distinct] = a;
        g->arcs[2 * distinct + 1] = b;
        distinct++;
    }
    g->arc_count = distinct;
done:
    free(from);
    free(to);
    free(edge);
    free(order);
    free(scratch);
    free(counts);
    return outcome;
}

PyDoc_STRVAR(topology_doc,
             "topology(source, target, type, cost, symmetric, degree, indptr, pairs, pair_cost,\n"
             "         pair_edge, indices, csr_pair, csr_cost, arcs, /)\n--\n\n"
             "U and D of the relationships (source, target: node indices below len(degree);\n"
             "type: positions in symmetric, one byte per relation type; cost) into the arrays\n"
             "given: degree (n), indptr (n + 1), pairs (2m), pair_cost and pair_edge (m),\n"
             "indices, csr_pair and csr_cost (2m), arcs (4m); return (pairs, arcs) counted.\n"
             "See queries.projection._Topology.");

static PyObject *topology(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 14) {
        PyErr_Format(PyExc_TypeError, "topology takes 14 arguments (%zd given)", nargs);
        return NULL;
    }
    static const Want wants[] = {
        {"source", INT64, 0},     {"target", INT64, 0},    {"type", INT64, 0},
        {"cost", FLOAT64, 0},     {"symmetric", BYTES, 0}, {"degree", INT64, 1},
        {"indptr", INT64, 1},     {"pairs", INT64, 1},     {"pair_cost", FLOAT64, 1},
        {"pair_edge", INT64, 1},  {"indices", INT64, 1},   {"csr_pair", INT64, 1},
        {"csr_cost", FLOAT64, 1}, {"arcs", INT64, 1}};
    Py_buffer v[14] = {{0}};
    if (get_all(args, v, wants, 14) < 0) {
        return NULL;
    }
    PyObject *result = NULL;
    Graph g = {0};
    g.m = items(&v[0]);
    g.n = items(&v[5]);
    g.types = items(&v[4]);
    if (items(&v[1]) != g.m || items(&v[2]) != g.m || items(&v[3]) != g.m ||
        items(&v[6]) != g.n + 1 || items(&v[7]) != 2 * g.m || items(&v[8]) != g.m ||
        items(&v[9]) != g.m || items(&v[10]) != 2 * g.m || items(&v[11]) != 2 * g.m ||
        items(&v[12]) != 2 * g.m || items(&v[13]) != 4 * g.m) {
        PyErr_SetString(PyExc_ValueError, "the arrays' lengths do not fit the graph's");
        goto release;
    }
    g.source = v[0].buf;
    g.target = v[1].buf;
    g.type = v[2].buf;
    g.cost = v[3].buf;
    g.symmetric = v[4].buf;
    g.degree = v[5].buf;
    g.indptr = v[6].buf;
    g.pairs = v[7].buf;
    g.pair_cost = v[8].buf;
    g.pair_edge = v[9].buf;
    g.indices = v[10].buf;
    g.csr_pair = v[11].buf;
    g.csr_cost = v[12].buf;
    g.arcs = v[13].buf;
    enum Outcome outcome;
    Py_BEGIN_ALLOW_THREADS
    outcome = run_topology(&g);
    Py_END_ALLOW_THREADS
    result = outcome == DONE ? Py_BuildValue("(LL)", g.pair_count, g.arc_count) : fail(outcome);
release:
    release_all(v, 14);
    return result;
}

static PyMethodDef methods[] = {
    {"cut", (PyCFunction)(void (*)(void))cut, METH_FASTCALL, cut_doc},
    {"ascending", (PyCFunction)(void (*)(void))ascending, METH_FASTCALL, ascending_doc},
    {"positions", (PyCFunction)(void (*)(void))positions, METH_FASTCALL, positions_doc},
    {"codes", (PyCFunction)(void (*)(void))codes, METH_FASTCALL, codes_doc},
    {"topology", (PyCFunction)(void (*)(void))topology, METH_FASTCALL, topology_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "queries._columns",
    .m_doc = "A graph read from a store put in integer form: texts cut, ends to node indices, "
             "columns coded, U and D sorted (see queries.projection).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__columns(void) { return PyModule_Create(&module); }
