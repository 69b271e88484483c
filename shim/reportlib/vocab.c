/* vocab: the tables of vocab.h as arrays, and lookups by value and name. */
#include "vocab.h"

#include <string.h>

typedef struct kind_row {
  const char *name, *words, *sarif_name, *short_text, *help;
  bool g_field;
} kind_row;

static const kind_row kinds[] = {
#define ROW(id, name, words, sarif, short_text, help, g) {name, words, sarif, short_text, help, g},
    UD_FOR_EACH_KIND(ROW)
#undef ROW
};

typedef struct trigger_row {
  const char *name, *words;
} trigger_row;

static const trigger_row triggers[] = {
#define ROW(id, name, words) {name, words},
    UD_FOR_EACH_TRIGGER(ROW)
#undef ROW
};

typedef struct region_row {
  const char *name, *words, *summary_words;
  bool own;
} region_row;

static const region_row regions[] = {
#define ROW(id, name, words, summary, own) {name, words, summary, own},
    UD_FOR_EACH_REGION(ROW)
#undef ROW
};

static const char *const slot_kinds[] = {
#define ROW(id, name) name,
    UD_FOR_EACH_SLOT_KIND(ROW)
#undef ROW
};

typedef struct access_row {
  const char *name, *noun, *verb;
} access_row;

static const access_row accesses[] = {
#define ROW(id, name, noun, verb) {name, noun, verb},
    UD_FOR_EACH_ACCESS(ROW)
#undef ROW
};

static const kind_row no_kind = {"?", "unknown violation", "Unknown", "?", NULL, false};
static const trigger_row no_trigger = {"?", "unknown trigger"};
static const region_row no_region = {"?", "an unknown region", "unknown region", false};

static const access_row no_access = {"?", "unknown access", "accessed"};

static const kind_row *kind(enum ud_kind k) {
  return (unsigned)k < UD_KIND_COUNT ? &kinds[k] : &no_kind;
}
static const trigger_row *trigger(enum ud_trigger t) {
  return (unsigned)t < UD_TRIGGER_COUNT ? &triggers[t] : &no_trigger;
}
static const region_row *region(enum ud_region r) {
  return (unsigned)r < UD_REGION_COUNT ? &regions[r] : &no_region;
}

const char *ud_kind_name(enum ud_kind k) { return kind(k)->name; }
const char *ud_kind_words(enum ud_kind k) { return kind(k)->words; }
const char *ud_kind_sarif_name(enum ud_kind k) { return kind(k)->sarif_name; }
const char *ud_kind_short(enum ud_kind k) { return kind(k)->short_text; }
const char *ud_kind_help(enum ud_kind k) { return kind(k)->help; }
bool ud_kind_is_g_field(enum ud_kind k) { return kind(k)->g_field; }

const char *ud_trigger_name(enum ud_trigger t) { return trigger(t)->name; }
const char *ud_trigger_words(enum ud_trigger t) { return trigger(t)->words; }

const char *ud_region_name(enum ud_region r) { return region(r)->name; }
const char *ud_region_words(enum ud_region r) { return region(r)->words; }
const char *ud_region_summary_words(enum ud_region r) { return region(r)->summary_words; }
bool ud_region_is_own(enum ud_region r) { return region(r)->own; }

const char *ud_rslot_name(enum ud_rslot s) {
  return (unsigned)s < UD_RSLOT_COUNT ? slot_kinds[s] : "?";
}

static const access_row *access(enum ud_access a) {
  return (unsigned)a < UD_ACCESS_COUNT ? &accesses[a] : &no_access;
}
const char *ud_access_name(enum ud_access a) { return access(a)->name; }
const char *ud_access_noun(enum ud_access a) { return access(a)->noun; }
const char *ud_access_verb(enum ud_access a) { return access(a)->verb; }

const char *ud_vocab_title(ud_vocab v) {
  static const char *const t[] = {"kind", "trigger", "region", "slot-kind", "access"};
  return (unsigned)v < UD_VOCAB_COUNT ? t[v] : "?";
}

int ud_vocab_size(ud_vocab v) {
  static const int n[] = {UD_KIND_COUNT, UD_TRIGGER_COUNT, UD_REGION_COUNT, UD_RSLOT_COUNT,
                          UD_ACCESS_COUNT};
  return (unsigned)v < UD_VOCAB_COUNT ? n[v] : 0;
}

const char *ud_vocab_name(ud_vocab v, int i) {
  switch (v) {
  case UD_VOCAB_KIND: return ud_kind_name((enum ud_kind)i);
  case UD_VOCAB_TRIGGER: return ud_trigger_name((enum ud_trigger)i);
  case UD_VOCAB_REGION: return ud_region_name((enum ud_region)i);
  case UD_VOCAB_SLOT_KIND: return ud_rslot_name((enum ud_rslot)i);
  case UD_VOCAB_ACCESS: return ud_access_name((enum ud_access)i);
  default: return "?";
  }
}

int ud_vocab_lookup(ud_vocab v, const char *s) {
  for (int i = 0; i < ud_vocab_size(v); i++)
    if (strcmp(ud_vocab_name(v, i), s) == 0)
      return i;
  return -1;
}
