"""Markdown table of every variant in results.jsonl (best 2nd-role ratio per variant)."""
import json
print("| variant | 2nd-role r | EMR | micro P | micro R | micro F1 | main acc | lang-mean EMR | lang-mean F1 | lang-mean main | fold sd EMR | BG | EN | HI | PT | RU | s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for line in open("results.jsonl"):
    r = json.loads(line)
    b = r["by_ratio"][str(r["best_ratio"])]
    o, lm, pl = b["overall"], b["lang_mean"], b["per_lang"]
    rr = "never" if r["best_ratio"] > 1 else r["best_ratio"]
    print(f"| {r['name']} | {rr} | {o['emr']:.3f} | {o['p']:.3f} | {o['r']:.3f} | {o['f1']:.3f} | {o['main']:.3f} | "
          f"{lm['emr']:.3f} | {lm['f1']:.3f} | {lm['main']:.3f} | {b['fold_std_emr']:.3f} | "
          + " | ".join(f"{pl[l]['emr']:.3f}" for l in ("BG", "EN", "HI", "PT", "RU")) + f" | {r['secs']:.0f} |")
