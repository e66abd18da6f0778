/*
 * The front end's native part: parse a text with tree-sitter and write its tree straight into the columns the
 * analysis reads (src/frontend/syntax-tree.ts), in one call.
 *
 * Why: copying tree-sitter's tree through its Node binding takes about five calls into native code per node (type,
 * start, end, field, moving the cursor); over Windows-driver-samples (5.6 M nodes) that copy took about as long as
 * the parse. The same walk here costs a few per cent of the parse. The JavaScript copy (`copyTree`) stays as the
 * fallback where this addon could not be built, and gives the same columns.
 *
 *   parseColumns(text, language) -> { count, typeIds, starts, ends, parents, after, fields, flags }
 *   symbolInfo(language, typeId) -> [type, named]
 *   fieldName(language, fieldId) -> name
 *   counts(language) -> [symbolCount, fieldCount]   (type ids 0 … symbolCount − 1 and the ERROR type 65535;
 *                                                    field ids 1 … fieldCount)
 *
 * `language` is a grammar module (tree-sitter-c, tree-sitter-cpp) or its `language` external. Offsets are UTF-16
 * code units (byte offsets / 2), as tree-sitter's Node binding reports them. Flags are syntax-tree.ts's.
 */
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#define NAMED 1
#define MISSING 2
#define HAS_ERROR 4
/* tree-sitter's symbol of an ERROR node (its parser.h, which api.h does not include). */
#define ERROR_SYMBOL ((TSSymbol)-1)

static void delete_parser(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  ts_parser_delete((TSParser *)data);
}

/* One parser per thread (per Node environment: a worker thread has its own). */
static TSParser *parser_of(napi_env env) {
  void *data = NULL;
  if (napi_get_instance_data(env, &data) == napi_ok && data) return (TSParser *)data;
  TSParser *parser = ts_parser_new();
  if (napi_set_instance_data(env, parser, delete_parser, NULL) != napi_ok) {
    ts_parser_delete(parser);
    return NULL;
  }
  return parser;
}

static const TSLanguage *language_of(napi_env env, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return NULL;
  if (type == napi_object) {
    if (napi_get_named_property(env, value, "language", &value) != napi_ok) return NULL;
    if (napi_typeof(env, value, &type) != napi_ok) return NULL;
  }
  if (type != napi_external) return NULL;
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok || !data) return NULL;
  uint32_t version = ts_language_version((const TSLanguage *)data);
  if (version < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || version > TREE_SITTER_LANGUAGE_VERSION) return NULL;
  return (const TSLanguage *)data;
}

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, NULL, message);
  return NULL;
}

static napi_value typed_array(napi_env env, napi_typedarray_type kind, size_t element_size, size_t length, void **data) {
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, element_size * length, data, &buffer) != napi_ok) return NULL;
  if (napi_create_typedarray(env, kind, length, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

static int set(napi_env env, napi_value object, const char *name, napi_value value) {
  return napi_set_named_property(env, object, name, value) == napi_ok;
}

/* The call's first `count` arguments into `argv`; 0 (with an exception pending, saying `usage`) when there are fewer. */
static int arguments(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *usage) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc >= count) return 1;
  fail(env, usage);
  return 0;
}

/* A grammar argument; NULL (with an exception pending, saying `what`) when it is not one this runtime can load. */
static const TSLanguage *grammar_argument(napi_env env, napi_value value, const char *what) {
  const TSLanguage *language = language_of(env, value);
  if (!language) fail(env, what);
  return language;
}

/* [first, second] as a JavaScript array. */
static napi_value pair(napi_env env, napi_value first, napi_value second) {
  napi_value out;
  napi_create_array_with_length(env, 2, &out);
  napi_set_element(env, out, 0, first);
  napi_set_element(env, out, 1, second);
  return out;
}

static napi_value parse_columns(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!arguments(env, info, 2, argv, "parseColumns(text, language): two arguments expected")) return NULL;
  const TSLanguage *language = grammar_argument(env, argv[1], "parseColumns: the second argument is not a tree-sitter grammar this runtime can load");
  if (!language) return NULL;
  size_t length = 0;
  if (napi_get_value_string_utf16(env, argv[0], NULL, 0, &length) != napi_ok) {
    return fail(env, "parseColumns: the first argument is not a string");
  }
  char16_t *text = malloc((length + 1) * sizeof(char16_t));
  if (!text) return fail(env, "parseColumns: out of memory");
  napi_get_value_string_utf16(env, argv[0], text, length + 1, &length);
  TSParser *parser = parser_of(env);
  if (!parser || !ts_parser_set_language(parser, language)) {
    free(text);
    return fail(env, "parseColumns: tree-sitter could not load the grammar");
  }
  TSTree *tree = ts_parser_parse_string_encoding(parser, NULL, (const char *)text, (uint32_t)(length * 2), TSInputEncodingUTF16);
  free(text);
  if (!tree) return fail(env, "parseColumns: tree-sitter returned no tree");

  TSNode root = ts_tree_root_node(tree);
  /* Every node the walk can visit (it skips the inside of tokens, so it may use fewer). */
  uint32_t capacity = ts_node_descendant_count(root);
  if (capacity == 0) capacity = 1;
  uint16_t *type_ids, *fields;
  int32_t *starts, *ends, *parents, *after;
  uint8_t *flags;
  napi_value columns[7] = {
    typed_array(env, napi_uint16_array, 2, capacity, (void **)&type_ids),
    typed_array(env, napi_int32_array, 4, capacity, (void **)&starts),
    typed_array(env, napi_int32_array, 4, capacity, (void **)&ends),
    typed_array(env, napi_int32_array, 4, capacity, (void **)&parents),
    typed_array(env, napi_int32_array, 4, capacity, (void **)&after),
    typed_array(env, napi_uint16_array, 2, capacity, (void **)&fields),
    typed_array(env, napi_uint8_array, 1, capacity, (void **)&flags),
  };
  for (int c = 0; c < 7; c++) {
    if (!columns[c]) {
      ts_tree_delete(tree);
      return fail(env, "parseColumns: out of memory");
    }
  }

  /* Pre-order, as syntax-tree.ts's copyTree: anonymous nodes are tokens and are not descended into; a node with
   * an ERROR or MISSING node inside passes HAS_ERROR to its parent when its subtree closes. */
  uint32_t open_capacity = 64, depth = 0, count = 0;
  int32_t *open = malloc(open_capacity * sizeof(int32_t));
  if (!open) {
    ts_tree_delete(tree);
    return fail(env, "parseColumns: out of memory");
  }
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  int32_t parent = -1;
  for (;;) {
    if (count == capacity) {
      /* Never seen: the cursor visits the visible nodes, which is what the descendant count counts. */
      free(open);
      ts_tree_cursor_delete(&cursor);
      ts_tree_delete(tree);
      return fail(env, "parseColumns: the tree has more nodes than tree-sitter counted");
    }
    TSNode node = ts_tree_cursor_current_node(&cursor);
    uint32_t i = count++;
    TSSymbol symbol = ts_node_symbol(node);
    uint32_t start = ts_node_start_byte(node) / 2;
    uint32_t end = ts_node_end_byte(node) / 2;
    type_ids[i] = symbol;
    starts[i] = (int32_t)start;
    ends[i] = (int32_t)end;
    parents[i] = parent;
    fields[i] = ts_tree_cursor_current_field_id(&cursor);
    uint8_t f = ts_node_is_named(node) ? NAMED : 0;
    if (start == end && ts_node_is_missing(node)) f |= MISSING | HAS_ERROR;
    if (symbol == ERROR_SYMBOL) f |= HAS_ERROR;
    flags[i] = f;
    if ((f & NAMED) && ts_tree_cursor_goto_first_child(&cursor)) {
      if (depth == open_capacity) {
        open_capacity *= 2;
        int32_t *bigger = realloc(open, open_capacity * sizeof(int32_t));
        if (!bigger) {
          free(open);
          ts_tree_cursor_delete(&cursor);
          ts_tree_delete(tree);
          return fail(env, "parseColumns: out of memory");
        }
        open = bigger;
      }
      open[depth++] = (int32_t)i;
      parent = (int32_t)i;
      continue;
    }
    after[i] = (int32_t)count;
    if ((f & HAS_ERROR) && parent >= 0) flags[parent] |= HAS_ERROR;
    int finished = 0;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (depth == 0) {
        finished = 1;
        break;
      }
      int32_t closing = open[--depth];
      after[closing] = (int32_t)count;
      parent = depth ? open[depth - 1] : -1;
      if ((flags[closing] & HAS_ERROR) && parent >= 0) flags[parent] |= HAS_ERROR;
      ts_tree_cursor_goto_parent(&cursor);
    }
    if (finished) break;
  }
  ts_tree_cursor_delete(&cursor);
  free(open);
  ts_tree_delete(tree);

  napi_value result, js_count;
  if (napi_create_object(env, &result) != napi_ok || napi_create_uint32(env, count, &js_count) != napi_ok) {
    return fail(env, "parseColumns: out of memory");
  }
  static const char *names[7] = { "typeIds", "starts", "ends", "parents", "after", "fields", "flags" };
  int ok = set(env, result, "count", js_count);
  for (int c = 0; c < 7 && ok; c++) ok = set(env, result, names[c], columns[c]);
  return ok ? result : fail(env, "parseColumns: could not build the result");
}

/* The (language, id) arguments of symbolInfo and fieldName; NULL (with an exception pending) when they are wrong. */
static const TSLanguage *language_and_id(napi_env env, napi_callback_info info, const char *usage, uint32_t *id) {
  napi_value argv[2];
  if (!arguments(env, info, 2, argv, usage)) return NULL;
  if (napi_get_value_uint32(env, argv[1], id) != napi_ok) {
    fail(env, usage);
    return NULL;
  }
  return grammar_argument(env, argv[0], "the first argument is not a tree-sitter grammar");
}

static napi_value symbol_info(napi_env env, napi_callback_info info) {
  uint32_t id;
  const TSLanguage *language = language_and_id(env, info, "symbolInfo(language, typeId): two arguments expected", &id);
  if (!language) return NULL;
  const char *name = ts_language_symbol_name(language, (TSSymbol)id);
  napi_value js_name, js_named;
  napi_create_string_utf8(env, name ? name : "", NAPI_AUTO_LENGTH, &js_name);
  napi_get_boolean(env, ts_language_symbol_type(language, (TSSymbol)id) == TSSymbolTypeRegular, &js_named);
  return pair(env, js_name, js_named);
}

static napi_value field_name(napi_env env, napi_callback_info info) {
  uint32_t id;
  const TSLanguage *language = language_and_id(env, info, "fieldName(language, fieldId): two arguments expected", &id);
  if (!language) return NULL;
  const char *name = ts_language_field_name_for_id(language, (TSFieldId)id);
  napi_value out;
  napi_create_string_utf8(env, name ? name : "", NAPI_AUTO_LENGTH, &out);
  return out;
}

static napi_value counts(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!arguments(env, info, 1, argv, "counts(language): one argument expected")) return NULL;
  const TSLanguage *language = grammar_argument(env, argv[0], "counts: the argument is not a tree-sitter grammar");
  if (!language) return NULL;
  napi_value symbols, fields;
  napi_create_uint32(env, ts_language_symbol_count(language), &symbols);
  napi_create_uint32(env, ts_language_field_count(language), &fields);
  return pair(env, symbols, fields);
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
    { "parseColumns", NULL, parse_columns, NULL, NULL, NULL, napi_default, NULL },
    { "symbolInfo", NULL, symbol_info, NULL, NULL, NULL, napi_default, NULL },
    { "fieldName", NULL, field_name, NULL, NULL, NULL, napi_default, NULL },
    { "counts", NULL, counts, NULL, NULL, NULL, napi_default, NULL },
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}
