"""The report's one style sheet, inlined into ``<style>`` (no external CSS or fonts)."""

from __future__ import annotations

REPORT_CSS = """
:root{--ink:#1f2328;--muted:#5b6470;--line:#e2e5e9;--bg:#ffffff;--panel:#f6f8fa;--accent:#1d4e89}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;
color:var(--ink);background:var(--bg);line-height:1.45;font-size:15px}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:28px;margin:4px 0 6px}
h2{font-size:20px;margin:0 0 8px;padding-top:6px;border-top:2px solid var(--accent)}
h3{font-size:15px;margin:18px 0 6px;color:var(--muted)}
.eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:var(--muted);margin:0}
.meta{margin:2px 0;color:var(--muted)}
nav{margin:12px 0 4px;display:flex;flex-wrap:wrap;gap:6px}
nav a{font-size:13px;color:var(--accent);text-decoration:none;border:1px solid var(--line);
border-radius:14px;padding:2px 10px}
section{margin:28px 0}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px;margin-top:18px}
.kpi{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.kpi-label{font-size:12px;color:var(--muted)}
.kpi-value{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.kpi-note{font-size:12px;color:var(--muted)}
figure{margin:8px 0}
svg{display:block;width:100%;height:auto}
figure:not(.wide) svg{max-width:820px}
figure.wide svg{border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);background:var(--panel)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.empty{color:#bbb}
td.url,div.url{word-break:break-all;color:var(--muted);font-size:12px}
code{font-size:12px}
.note{font-size:13px;color:var(--muted)}
ul.reasons{margin:0;padding-left:0;list-style:none}
ul.reasons li{margin:0 0 3px}
.kind{display:inline-block;min-width:68px;font-size:11px;color:var(--accent);
border:1px solid var(--line);border-radius:10px;padding:0 6px;margin-right:4px;text-align:center}
@media print{
 html{font-size:11pt}
 main{max-width:none;padding:0}
 nav{display:none}
 section{break-inside:avoid-page;margin:14px 0}
 #where,#timeline,#latency,#binding,#sources{break-before:page}
 .kpi{break-inside:avoid}
 table{break-inside:auto}
 tr{break-inside:avoid}
 th{background:none}
}
"""
