/* queries._route: the fewest-hops route between two nodes of U, by bidirectional breadth-first
 * search over the projection's compressed sparse rows (the mapped file's arrays, read in place).
 *
 * The search is queries.paths.hop_route's: each step grows by one level the side whose frontier
 * has fewer neighbour entries to scan, node by node and neighbours in order, and stops at the
 * first neighbour the other side has reached. The marks of the nodes reached are kept in
 * per-node arrays reused from search to search (a search clears only what it set), so a search
 * costs time in proportion to what it touches, never to the size of the graph; the GIL is
 * released while it runs. */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* neighbour entries scanned between two looks at the clock (as queries.deadline.EVERY) */
#define EVERY 4096
/* idle scratches kept for the next searches; more are freed when returned */
#define KEPT 2

/* What a search marks, one entry per node of a graph of up to `capacity` nodes: `side` 1 for a
 * node reached from the source, 2 from the target, 0 unreached (all 0 between searches: a
 * search clears what it set, the nodes listed in `touched`); `parent` the node each was reached
 * from. Reused from search to search, so a search costs what it touches, not the graph's size. */
typedef struct {
    int64_t capacity;
    int8_t *side;
    int64_t *parent;
    int64_t *touched;
    size_t count, room; /* entries of touched used and allocated */
} Scratch;

typedef struct {
    int64_t *items;
    size_t count;
    size_t capacity;
} Level;

static PyObject *TimeUp; /* queries.deadline.TimeUp */
/* idle scratches; taken and given back with the GIL held */
static Scratch *idle[KEPT];
static int idle_count;

static void free_scratch(Scratch *scratch) {
    if (scratch != NULL) {
        free(scratch->side);
        free(scratch->parent);
        free(scratch->touched);
        free(scratch);
    }
}

/* An idle scratch for a graph of n nodes, or a new one; NULL when out of memory. */
static Scratch *take_scratch(int64_t n) {
    while (idle_count > 0) {
        Scratch *scratch = idle[--idle_count];
        if (scratch->capacity >= n) {
            return scratch;
        }
        free_scratch(scratch);
    }
    Scratch *scratch = calloc(1, sizeof(Scratch));
    if (scratch == NULL) {
        return NULL;
    }
    scratch->capacity = n;
    /* zeroed pages come from the system on first touch: untouched parts cost nothing */
    scratch->side = calloc((size_t)n + 1, 1);
    scratch->parent = malloc(((size_t)n + 1) * sizeof(int64_t));
    if (scratch->side == NULL || scratch->parent == NULL) {
        free_scratch(scratch);
        return NULL;
    }
    return scratch;
}

static void give_back(Scratch *scratch) {
    for (size_t i = 0; i < scratch->count; i++) {
        scratch->side[scratch->touched[i]] = 0;
    }
    scratch->count = 0;
    if (idle_count < KEPT) {
        idle[idle_count++] = scratch;
    } else {
        free_scratch(scratch);
    }
}

/* Mark node as reached from parent on side; 0, or -1 when out of memory. */
static inline int reach(Scratch *scratch, int64_t node, int64_t parent, int8_t side) {
    if (scratch->count == scratch->room) {
        size_t room = scratch->room ? scratch->room * 2 : 256;
        int64_t *touched = realloc(scratch->touched, room * sizeof(int64_t));
        if (touched == NULL) {
            return -1;
        }
        scratch->touched = touched;
        scratch->room = room;
    }
    scratch->touched[scratch->count++] = node;
    scratch->side[node] = side;
    scratch->parent[node] = parent;
    return 0;
}

static inline int push(Level *level, int64_t node) {
    if (level->count == level->capacity) {
        size_t capacity = level->capacity ? level->capacity * 2 : 64;
        int64_t *items = realloc(level->items, capacity * sizeof(int64_t));
        if (items == NULL) {
            return -1;
        }
        level->items = items;
        level->capacity = capacity;
    }
    level->items[level->count++] = node;
    return 0;
}

static double monotonic(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now); /* what time.monotonic() reads on Linux */
    return (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
}

enum Outcome { NO_ROUTE, MET, OUT_OF_MEMORY, BAD_GRAPH, TIME_UP };

typedef struct {
    const int64_t *indptr;
    const int64_t *indices;
    const char *allowed; /* NULL: every node may be an intermediate node */
    int64_t n;
    int64_t entries; /* len(indices) */
    int64_t source, target, max_hops;
    double deadline; /* monotonic seconds; infinity: none */
    int64_t near, far; /* where the two sides met: near on the source's side */
} Search;

static inline int row_ok(const Search *search, int64_t u) {
    int64_t start = search->indptr[u], end = search->indptr[u + 1];
    return 0 <= start && start <= end && end <= search->entries;
}

static enum Outcome run(Search *search, Scratch *scratch, Level *fronts, Level *next) {
    const int64_t *indptr = search->indptr, *indices = search->indices;
    const char *allowed = search->allowed;
    const int64_t n = search->n;
    const int8_t *side = scratch->side;
    const int timed = isfinite(search->deadline);
    int64_t work[3] = {0, 0, 0};
    int64_t steps = 0;
    if (!row_ok(search, search->source) || !row_ok(search, search->target)) {
        return BAD_GRAPH;
    }
    if (reach(scratch, search->source, search->source, 1) ||
        reach(scratch, search->target, search->target, 2) || push(&fronts[1], search->source) ||
        push(&fronts[2], search->target)) {
        return OUT_OF_MEMORY;
    }
    work[1] = indptr[search->source + 1] - indptr[search->source];
    work[2] = indptr[search->target + 1] - indptr[search->target];
    for (int64_t hops = 0; hops < search->max_hops; hops++) {
        if ((work[1] < work[2] ? work[1] : work[2]) == 0) {
            return NO_ROUTE; /* a side with nothing left to reach */
        }
        if (timed && monotonic() > search->deadline) {
            return TIME_UP;
        }
        const int8_t mark = work[1] <= work[2] ? 1 : 2;
        Level *grow = &fronts[mark];
        next->count = 0;
        int64_t level_work = 0;
        for (size_t i = 0; i < grow->count; i++) {
            const int64_t u = grow->items[i];
            for (int64_t k = indptr[u]; k < indptr[u + 1]; k++) {
                const int64_t w = indices[k];
                if (w < 0 || w >= n) {
                    return BAD_GRAPH;
                }
                if (timed && ++steps % EVERY == 0 && monotonic() > search->deadline) {
                    return TIME_UP;
                }
                if (side[w] != 0) {
                    if (side[w] != mark) {
                        search->near = mark == 1 ? u : w;
                        search->far = mark == 1 ? w : u;
                        return MET;
                    }
                    continue;
                }
                if (allowed != NULL && !allowed[w]) {
                    continue;
                }
                if (!row_ok(search, w)) {
                    return BAD_GRAPH;
                }
                if (reach(scratch, w, u, mark) || push(next, w)) {
                    return OUT_OF_MEMORY;
                }
                level_work += indptr[w + 1] - indptr[w];
            }
        }
        Level done = *grow;
        *grow = *next;
        *next = done;
        work[mark] = level_work;
    }
    return NO_ROUTE;
}

/* Append node and the nodes it was reached from, back to its side's start, to route. */
static int walk_back(PyObject *route, const Scratch *scratch, int64_t node) {
    for (;;) {
        PyObject *item = PyLong_FromLongLong(node);
        if (item == NULL || PyList_Append(route, item) < 0) {
            Py_XDECREF(item);
            return -1;
        }
        Py_DECREF(item);
        if (scratch->parent[node] == node) {
            return 0;
        }
        node = scratch->parent[node];
    }
}

static PyObject *route_of(const Search *search, const Scratch *scratch) {
    PyObject *route = PyList_New(0);
    if (route == NULL || walk_back(route, scratch, search->near) < 0 ||
        PyList_Reverse(route) < 0 || walk_back(route, scratch, search->far) < 0) {
        Py_XDECREF(route);
        return NULL;
    }
    return route;
}

static PyObject *route(Search *search) {
    Scratch *scratch = take_scratch(search->n);
    if (scratch == NULL) {
        return PyErr_NoMemory();
    }
    Level fronts[3] = {{0}}, next = {0};
    enum Outcome outcome;
    Py_BEGIN_ALLOW_THREADS
    outcome = run(search, scratch, fronts, &next);
    Py_END_ALLOW_THREADS
    PyObject *result = NULL;
    switch (outcome) {
    case MET:
        result = route_of(search, scratch);
        break;
    case NO_ROUTE:
        result = Py_NewRef(Py_None);
        break;
    case OUT_OF_MEMORY:
        PyErr_NoMemory();
        break;
    case BAD_GRAPH:
        PyErr_SetString(PyExc_ValueError, "indptr and indices are not compressed sparse rows");
        break;
    case TIME_UP:
        PyErr_SetString(TimeUp, "the work ran past its deadline");
        break;
    }
    give_back(scratch);
    free(fronts[1].items);
    free(fronts[2].items);
    free(next.items);
    return result;
}

static int int64_buffer(PyObject *object, Py_buffer *view, const char *name) {
    if (PyObject_GetBuffer(object, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        return -1;
    }
    const char *format = view->format;
    if (format[0] == '<' || format[0] == '=' || format[0] == '@') {
        format++;
    }
    if (view->ndim != 1 || view->itemsize != 8 || (strcmp(format, "l") && strcmp(format, "q"))) {
        PyErr_Format(PyExc_TypeError, "%s must be a one-dimensional int64 array", name);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(hop_route_doc,
             "hop_route(indptr, indices, source, target, max_hops, allowed, deadline, /)\n--\n\n"
             "A fewest-hops route (node indices) of at most max_hops edges, or None; see\n"
             "queries.paths.hop_route. allowed: a one-byte-per-node mask of the nodes that may be\n"
             "intermediate nodes, or None; deadline: time.monotonic() seconds, or None.");

static PyObject *hop_route(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (nargs != 7) {
        PyErr_Format(PyExc_TypeError, "hop_route takes 7 arguments (%zd given)", nargs);
        return NULL;
    }
    Search search = {0};
    search.source = PyLong_AsLongLong(args[2]);
    search.target = PyLong_AsLongLong(args[3]);
    search.max_hops = PyLong_AsLongLong(args[4]);
    search.deadline = args[6] == Py_None ? INFINITY : PyFloat_AsDouble(args[6]);
    if (PyErr_Occurred()) {
        return NULL;
    }
    Py_buffer indptr, indices, allowed = {0};
    if (int64_buffer(args[0], &indptr, "indptr") < 0) {
        return NULL;
    }
    if (int64_buffer(args[1], &indices, "indices") < 0) {
        PyBuffer_Release(&indptr);
        return NULL;
    }
    PyObject *result = NULL;
    search.indptr = indptr.buf;
    search.indices = indices.buf;
    search.n = indptr.shape[0] - 1;
    search.entries = indices.shape[0];
    if (args[5] != Py_None) {
        if (PyObject_GetBuffer(args[5], &allowed, PyBUF_C_CONTIGUOUS) < 0) {
            goto release;
        }
        if (allowed.itemsize != 1 || allowed.len != search.n) {
            PyErr_SetString(PyExc_ValueError, "allowed must hold one byte per node");
            goto release;
        }
        search.allowed = allowed.buf;
    }
    if (search.n < 0 || search.source < 0 || search.source >= search.n || search.target < 0 ||
        search.target >= search.n) {
        PyErr_SetString(PyExc_IndexError, "source and target must be node indices");
        goto release;
    }
    result = search.source == search.target ? Py_BuildValue("[L]", search.source) : route(&search);
release:
    if (allowed.obj != NULL) {
        PyBuffer_Release(&allowed);
    }
    PyBuffer_Release(&indices);
    PyBuffer_Release(&indptr);
    return result;
}

static PyMethodDef methods[] = {
    {"hop_route", (PyCFunction)(void (*)(void))hop_route, METH_FASTCALL, hop_route_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "queries._route",
    .m_doc = "The compiled bidirectional breadth-first search of queries.paths.hop_route.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__route(void) {
    PyObject *deadline = PyImport_ImportModule("queries.deadline");
    if (deadline == NULL) {
        return NULL;
    }
    TimeUp = PyObject_GetAttrString(deadline, "TimeUp");
    Py_DECREF(deadline);
    if (TimeUp == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
