/* counts_record: the renderings of the counts record, and their sum. */
#include "counts_record.h"

void ud_counts_add(ud_counts *into, const volatile ud_counts *c) {
#define ADD(m, help) into->m += c->m;
  UD_COUNTERS(ADD)
#undef ADD
}

void ud_counts_render_json(const ud_counts_record *r, ud_out *o) {
  ud_out_fmt(o, "{\"schema\":\"" UD_COUNTS_SCHEMA "\",\"pid\":%d,\"binary\":", (int)r->pid);
  ud_out_json_str(o, r->binary);
  ud_out_str(o, ",\"go_version\":");
  ud_out_json_str(o, r->go_version);
#define JSON(m, help) ud_out_fmt(o, ",\"" #m "\":%llu", (unsigned long long)r->c.m);
  UD_COUNTERS(JSON)
#undef JSON
  ud_out_str(o, "}\n");
}

void ud_counts_render_text(const ud_counts_record *r, ud_out *o) {
  ud_out_fmt(o, "undead: checked (pid %d):", (int)r->pid);
#define TEXT(m, help) ud_out_fmt(o, " " #m "=%llu", (unsigned long long)r->c.m);
  UD_COUNTERS(TEXT)
#undef TEXT
  ud_out_str(o, "\n");
}

void ud_counts_render_words(const ud_counts *c, ud_out *o) {
  ud_out_fmt(o, "%llu callback(s), %llu return(s) into a gate, %llu relocation(s) with a gate open "
                "(%llu forced), %llu gate frame(s), %llu left stack(s) quarantined (%llu protected), "
                "%llu small stack(s) on own pages; %llu report(s)",
             (unsigned long long)c->callbacks, (unsigned long long)c->gate_returns,
             (unsigned long long)c->relocations, (unsigned long long)c->forced_moves,
             (unsigned long long)c->gate_frames, (unsigned long long)c->quarantined,
             (unsigned long long)c->protected, (unsigned long long)c->own_stacks,
             (unsigned long long)c->reports);
}
