/* render_sarif: reports as a SARIF 2.1.0 log, for code-scanning views.
 *
 * One run, tool.driver "undead" with one rule per report kind (the rows of
 * vocab.h, in their order, so ruleIndex is stable), and one result per distinct
 * violation (same ud_report_signature = same result; the number of
 * duplicates goes in properties.occurrences). The result is located at the
 * gate frame's X line, the line the GC believes the frame is at; Y is a
 * related location, and so is the code that made the access of a
 * left-stack-access. The Go and C stacks are SARIF stacks. */
#include "report.h"

#include <string.h>

static void text_obj(ud_out *o, const char *key, const char *text) {
  ud_out_fmt(o, "\"%s\":{\"text\":", key);
  ud_out_json_str(o, text);
  ud_out_str(o, "}");
}

/* file:// URI of an absolute path (relative paths stay relative), with
 * every byte outside RFC 3986's unreserved set and '/' percent-encoded. */
static void uri(ud_out *o, const char *path) {
  static const char hex[] = "0123456789ABCDEF";
  char buf[1024];
  ud_out m;
  ud_out_init_mem(&m, buf, sizeof buf);
  if (path[0] == '/')
    ud_out_str(&m, "file://");
  for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
    unsigned c = *s;
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      char ch = (char)c;
      ud_out_mem(&m, &ch, 1);
    } else {
      char e[3] = {'%', hex[c >> 4], hex[c & 15]};
      ud_out_mem(&m, e, 3);
    }
  }
  ud_out_json_str(o, buf);
}

/* A location: physical when the file is known, logical (the function)
 * always when the function is known. */
static void location(ud_out *o, const char *file, int32_t line, const char *func,
                     const char *message, int id) {
  ud_out_str(o, "{");
  bool comma = false;
  if (id >= 0) {
    ud_out_fmt(o, "\"id\":%d", id);
    comma = true;
  }
  if (file[0]) {
    ud_out_str(o, comma ? ",\"physicalLocation\":{\"artifactLocation\":{\"uri\":"
                        : "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
    uri(o, file);
    ud_out_str(o, "}");
    if (line > 0)
      ud_out_fmt(o, ",\"region\":{\"startLine\":%d}", line);
    ud_out_str(o, "}");
    comma = true;
  }
  if (func[0]) {
    ud_out_str(o, comma ? ",\"logicalLocations\":[{\"fullyQualifiedName\":"
                        : "\"logicalLocations\":[{\"fullyQualifiedName\":");
    ud_out_json_str(o, func);
    ud_out_str(o, ",\"kind\":\"function\"}]");
    comma = true;
  }
  if (message) {
    if (comma)
      ud_out_str(o, ",");
    text_obj(o, "message", message);
  }
  ud_out_str(o, "}");
}

static void sarif_stack(ud_out *o, const char *title, const ud_report_frame *f, int32_t n,
                        int32_t tid) {
  if (n > UD_REPORT_MAX_FRAMES)
    n = UD_REPORT_MAX_FRAMES;
  ud_out_str(o, "{");
  text_obj(o, "message", title);
  ud_out_str(o, ",\"frames\":[");
  for (int32_t i = 0; i < n; i++) {
    if (i > 0)
      ud_out_str(o, ",");
    ud_out_str(o, "{\"location\":");
    char addr[40];
    ud_out m;
    ud_out_init_mem(&m, addr, sizeof addr);
    ud_out_fmt(&m, "pc %#llx", (unsigned long long)f[i].pc);
    location(o, f[i].file, f[i].line, f[i].func, addr, -1);
    if (tid > 0)
      ud_out_fmt(o, ",\"threadId\":%d", tid);
    ud_out_str(o, "}");
  }
  ud_out_str(o, "]}");
}

static void result(ud_out *o, const ud_report *r, uint32_t count) {
  char sig[UD_SIGNATURE_MAX], slot[96], msg[512];
  ud_report_signature(r, sig, sizeof sig);
  ud_report_slot_label(r, slot, sizeof slot);
  ud_out m;

  ud_out_str(o, "{\"ruleId\":");
  ud_out_json_str(o, ud_kind_name(r->kind));
  if ((unsigned)r->kind < UD_KIND_COUNT)
    ud_out_fmt(o, ",\"ruleIndex\":%d", (int)r->kind);
  ud_out_str(o, ",\"level\":\"error\",");
  if (r->summary[0]) {
    text_obj(o, "message", r->summary);
  } else {
    ud_out_init_mem(&m, msg, sizeof msg);
    ud_out_fmt(&m, "%s in %s: slot '%s' = %#llx points into %s", ud_kind_name(r->kind),
               r->gate_func, slot, (unsigned long long)r->value, ud_region_words(r->points_to));
    text_obj(o, "message", msg);
  }

  ud_out_init_mem(&m, msg, sizeof msg);
  ud_out_fmt(&m, "X: the GC scans %s as stopped here (after %s); '%s' is live here", r->gate_func,
             r->x_callee, slot);
  ud_out_str(o, ",\"locations\":[");
  const ud_report_frame *go = NULL; /* no gate frame: the first Go frame with a line */
  for (int32_t i = 0; !r->gate_func[0] && go == NULL && i < r->go_stack_n && i < UD_REPORT_MAX_FRAMES; i++)
    if (r->go_stack[i].file[0])
      go = &r->go_stack[i];
  if (go != NULL) {
    ud_out_init_mem(&m, msg, sizeof msg);
    ud_out_fmt(&m, "the Go code of goroutine %lld at the %s", (long long)r->goid,
               ud_trigger_words(r->trigger));
    location(o, go->file, go->line, go->func, msg, -1);
  } else {
    location(o, r->x_file, r->x_line, r->gate_func, msg, -1);
  }
  ud_out_init_mem(&m, msg, sizeof msg);
  ud_out_fmt(&m, "Y: %s is really stopped here (after %s), where the stack copy adjusts it; "
                 "'%s' is %s here",
             r->gate_func, r->y_callee, slot, r->live_at_y ? "live" : "dead");
  ud_out_str(o, "],\"relatedLocations\":[");
  location(o, r->y_file, r->y_line, r->gate_func, msg, 1);
  if (r->access != UD_ACCESS_NONE) {
    /* left-stack-access: the code that made the access */
    const ud_report_frame *a = &r->accessor;
    ud_out_init_mem(&m, msg, sizeof msg);
    ud_out_fmt(&m, "the %s: %s (pc %#llx) %s %#llx, in the stack goroutine %lld left",
               ud_access_noun(r->access), a->func[0] ? a->func : "??", (unsigned long long)a->pc,
               ud_access_verb(r->access), (unsigned long long)r->slot_addr, (long long)r->goid);
    ud_out_str(o, ",");
    location(o, a->file, a->line, a->func, msg, 2);
  }
  ud_out_str(o, "]");

  ud_out_fmt(o, ",\"partialFingerprints\":{\"undeadSignature/v1\":\"%016llx\"}",
             (unsigned long long)ud_report_signature_hash(r));

  ud_out_str(o, ",\"stacks\":[");
  char title[96];
  ud_out_init_mem(&m, title, sizeof title);
  ud_out_fmt(&m, "Go stack of goroutine %lld", (long long)r->goid);
  sarif_stack(o, title, r->go_stack, r->go_stack_n, 0);
  ud_out_str(o, ",");
  ud_out_init_mem(&m, title, sizeof title);
  ud_out_fmt(&m, "C stack of thread %d", r->tid);
  sarif_stack(o, title, r->c_stack, r->c_stack_n, r->tid);
  ud_out_str(o, "]");

  ud_out_str(o, ",\"properties\":{\"signature\":");
  ud_out_json_str(o, sig);
  ud_out_fmt(o, ",\"occurrences\":%u,\"pid\":%d,\"goid\":%lld,\"trigger\":", count, r->pid,
             (long long)r->goid);
  ud_out_json_str(o, ud_trigger_name(r->trigger));
  ud_out_str(o, ",\"slot\":");
  ud_out_json_str(o, slot);
  ud_out_fmt(o, ",\"value\":\"0x%llx\",\"pointsTo\":", (unsigned long long)r->value);
  ud_out_json_str(o, ud_region_name(r->points_to));
  ud_out_str(o, ",\"access\":");
  ud_out_json_str(o, ud_access_name(r->access));
  ud_out_fmt(o, ",\"oldStack\":\"[0x%llx, 0x%llx)\",\"newStack\":\"[0x%llx, 0x%llx)\"",
             (unsigned long long)r->old_lo, (unsigned long long)r->old_hi,
             (unsigned long long)r->new_lo, (unsigned long long)r->new_hi);
  ud_out_str(o, ",\"goVersion\":");
  ud_out_json_str(o, r->go_version);
  ud_out_str(o, ",\"binary\":");
  ud_out_json_str(o, r->binary);
  ud_out_str(o, "}}");
}

/* Everything up to the results array: the log, the run, the tool. */
static void log_head(ud_out *o) {
  ud_out_str(o, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
                "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"undead\","
                "\"rules\":[");
  for (int i = 0; i < UD_KIND_COUNT; i++) {
    enum ud_kind k = (enum ud_kind)i;
    if (i > 0)
      ud_out_str(o, ",");
    ud_out_fmt(o, "{\"id\":\"%s\",\"name\":\"%s\",", ud_kind_name(k), ud_kind_sarif_name(k));
    text_obj(o, "shortDescription", ud_kind_short(k));
    ud_out_str(o, ",");
    text_obj(o, "fullDescription", ud_kind_help(k));
    ud_out_str(o, ",\"defaultConfiguration\":{\"level\":\"error\"}}");
  }
  ud_out_str(o, "]}},\"results\":[");
}

/* The input the tool could not read whole, as SARIF says a tool reports
 * problems of its own run: notifications of the run's one invocation. The
 * invocation completed (every readable record is in the results). */
static void invocation(ud_out *o, const ud_sarif_note *notes, size_t nnotes) {
  ud_out_str(o, ",\"invocations\":[{\"executionSuccessful\":true,\"toolExecutionNotifications\":[");
  for (size_t i = 0; i < nnotes; i++) {
    const ud_sarif_note *nt = &notes[i];
    ud_out_str(o, i ? ",{\"level\":\"error\"," : "{\"level\":\"error\",");
    text_obj(o, "message", nt->text);
    if (nt->file != NULL) {
      ud_out_str(o, ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
      uri(o, nt->file);
      ud_out_str(o, "}");
      if (nt->line > 0)
        ud_out_fmt(o, ",\"region\":{\"startLine\":%ld}", nt->line);
      ud_out_str(o, "}}]");
    }
    ud_out_str(o, "}");
  }
  ud_out_str(o, "]}]");
}

void ud_report_render_sarif_log(const ud_report *const *rs, const uint32_t *counts, size_t n,
                                const ud_sarif_note *notes, size_t nnotes, ud_out *o) {
  log_head(o);
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      ud_out_str(o, ",");
    result(o, rs[i], counts ? counts[i] : 1);
  }
  ud_out_str(o, "]");
  if (nnotes > 0)
    invocation(o, notes, nnotes);
  ud_out_str(o, "}]}\n");
}

void ud_report_render_sarif_grouped(const ud_report *const *rs, const uint32_t *counts, size_t n,
                                    ud_out *o) {
  ud_report_render_sarif_log(rs, counts, n, NULL, 0, o);
}

/* Duplicates are found by comparing signatures pairwise: quadratic, but it
 * needs no memory, and the shim renders one report at a time. */
void ud_report_render_sarif(const ud_report *const *rs, size_t n, ud_out *o) {
  log_head(o);
  bool first = true;
  char si[UD_SIGNATURE_MAX], sj[UD_SIGNATURE_MAX];
  for (size_t i = 0; i < n; i++) {
    ud_report_signature(rs[i], si, sizeof si);
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) {
      ud_report_signature(rs[j], sj, sizeof sj);
      seen = strcmp(si, sj) == 0;
    }
    if (seen)
      continue;
    uint32_t count = 1;
    for (size_t j = i + 1; j < n; j++) {
      ud_report_signature(rs[j], sj, sizeof sj);
      count += strcmp(si, sj) == 0;
    }
    if (!first)
      ud_out_str(o, ",");
    first = false;
    result(o, rs[i], count);
  }
  ud_out_str(o, "]}]}\n");
}
