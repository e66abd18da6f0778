/**
 * SARIF 2.1.0 for code scanning. Each result has the rule id (`wdm/IrqlExAllocatePool`), its level, a location
 * relative to the working directory (`%SRCROOT%`), and — for IRQL findings — the path as `codeFlows`. Files
 * outside the working directory get absolute `file:` URIs; no relative URI climbs out of it. Fatal messages
 * without a rule (unreadable file, rule crash) become tool execution notifications.
 */
import type { LintMessage, LintResult, RuleMeta, TraceEntry } from '@ddi-lint/core';
import { relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Formatter } from './types.js';

const SRCROOT = '%SRCROOT%';

function artifactLocation(cwd: string, filePath: string): { uri: string; uriBaseId?: string } {
  const rel = relative(cwd, filePath);
  if (!rel || rel.startsWith('..') || rel.includes(`:${sep}`)) return { uri: pathToFileURL(filePath).href };
  return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}

function region(m: { line: number; column: number; endLine: number; endColumn: number }) {
  return {
    startLine: m.line,
    startColumn: m.column,
    endLine: Math.max(m.endLine, m.line),
    endColumn: m.endLine > m.line ? m.endColumn : Math.max(m.endColumn, m.column + 1),
  };
}

function physicalLocation(cwd: string, filePath: string, m: { line: number; column: number; endLine: number; endColumn: number }) {
  return { artifactLocation: artifactLocation(cwd, filePath), region: region(m) };
}

function ruleDescriptor(id: string, meta: RuleMeta | undefined) {
  const description = meta?.docs.description ?? id;
  const tags = ['driver', 'windows-kernel'];
  if (meta?.docs.prefast) tags.push(`PREfast/${meta.docs.prefast}`);
  return {
    id,
    name: id.slice(id.lastIndexOf('/') + 1),
    shortDescription: { text: description },
    fullDescription: { text: description },
    ...(meta?.docs.url ? { helpUri: meta.docs.url, help: { text: `${description} See ${meta.docs.url}` } } : {}),
    defaultConfiguration: { level: 'error' },
    properties: {
      tags,
      precision: 'high',
      'problem.severity': meta?.type === 'problem' ? 'error' : 'warning',
      ...(meta?.docs.microsoftRule ? { microsoftRule: meta.docs.microsoftRule } : {}),
    },
  };
}

function threadFlowLocation(cwd: string, t: TraceEntry, order: number) {
  return {
    location: { physicalLocation: physicalLocation(cwd, t.filePath, t), message: { text: t.message } },
    executionOrder: order,
  };
}

export const sarif: Formatter = (results, { cwd, rulesMeta, toolVersion }) => {
  const ruleIds = [...new Set(results.flatMap((r) => [...r.messages, ...(r.suppressedMessages ?? [])].map((m) => m.ruleId)).filter((id): id is string => !!id))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const notifications: object[] = [];
  const sarifResults: object[] = [];
  for (const r of results) {
    for (const m of r.messages) {
      const location = { physicalLocation: physicalLocation(cwd, r.filePath, m) };
      if (!m.ruleId || m.fatal) {
        notifications.push({ level: m.severity === 2 ? 'error' : 'warning', message: { text: m.message }, locations: [location] });
        continue;
      }
      sarifResults.push(resultOf(cwd, r, m, location, ruleIndex.get(m.ruleId)!));
    }
    // Suppressed findings stay in the log, marked as suppressed in source.
    for (const m of r.suppressedMessages ?? []) {
      if (!m.ruleId || !ruleIndex.has(m.ruleId)) continue;
      const location = { physicalLocation: physicalLocation(cwd, r.filePath, m) };
      sarifResults.push({
        ...resultOf(cwd, r, m, location, ruleIndex.get(m.ruleId)!),
        suppressions: (m.suppressions ?? []).map((s) => ({ kind: 'inSource', ...(s.justification ? { justification: s.justification } : {}) })),
      });
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ddi-lint',
            version: toolVersion,
            semanticVersion: toolVersion,
            informationUri: 'https://github.com/ddi-lint/ddi-lint',
            rules: ruleIds.map((id) => ruleDescriptor(id, rulesMeta[id])),
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
        invocations: [
          {
            executionSuccessful: !notifications.some((n) => (n as { level: string }).level === 'error'),
            toolExecutionNotifications: notifications,
          },
        ],
        results: sarifResults,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2);
};

function resultOf(cwd: string, r: LintResult, m: LintMessage, location: object, index: number) {
  const trace = m.trace ?? [];
  return {
    ruleId: m.ruleId,
    ruleIndex: index,
    level: m.severity === 2 ? 'error' : 'warning',
    message: { text: m.message },
    locations: [location],
    ...(trace.length
      ? {
          codeFlows: [
            {
              message: { text: `IRQL path (${m.basis ?? 'proven'})` },
              threadFlows: [
                {
                  locations: [
                    ...trace.map((t, i) => threadFlowLocation(cwd, t, i + 1)),
                    threadFlowLocation(cwd, { ...m, filePath: r.filePath, message: m.message }, trace.length + 1),
                  ],
                },
              ],
            },
          ],
        }
      : {}),
    ...(m.related?.length
      ? {
          relatedLocations: m.related.map((rel, i) => ({
            id: i + 1,
            physicalLocation: physicalLocation(cwd, rel.filePath, rel),
            message: { text: rel.message },
          })),
        }
      : {}),
    ...(m.fix
      ? {
          fixes: [
            {
              description: { text: `Fix for ${m.ruleId}` },
              artifactChanges: [
                {
                  artifactLocation: artifactLocation(cwd, r.filePath),
                  replacements: [{ deletedRegion: { charOffset: m.fix.range[0], charLength: m.fix.range[1] - m.fix.range[0] }, insertedContent: { text: m.fix.text } }],
                },
              ],
            },
          ],
        }
      : {}),
    ...(m.basis ? { properties: { basis: m.basis } } : {}),
  };
}
