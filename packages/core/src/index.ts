/**
 * @ddi-lint/core — the pipeline's first three layers and the rule API:
 * front end (frontend/) → semantic model (model/: CFG, call graph, IRQL) → rules API (rules/) and Linter (linter/).
 * DDI facts live in knowledge/ as data.
 */
export { parseSource, parseNative, languageOf, LineIndex, type ParsedSource, type ParseOptions, type SyntaxNode, type Tree } from './frontend/parser.js';
export type { ParseStore } from './frontend/parse-cache.js';
export { frontEndKind } from './frontend/native-columns.js';
export { blankAnnotations, isAnnotationMacro, type Annotation, type ProjectMacroUse } from './frontend/annotations.js';
export { buildCfg, callsIn, type Cfg, type CfgNode, type CfgEdge } from './model/cfg.js';
export { calleeName, callArguments, enclosingConditions } from './model/syntax.js';
export { includeKey, normalizePath, resolveIncludeAmong } from './model/includes.js';
export { projectMacroUses } from './model/project-macros.js';
export { evaluateConstant, WDK_CONSTANTS } from './model/constants.js';
export {
  bodyText,
  buildFileModel,
  driverModelFromIncludes,
  type DriverModel,
  type FileModel,
  type FunctionDefinition,
  type FunctionDeclaration,
} from './model/file-model.js';
export {
  Level,
  LEVEL_NAMES,
  ANY_LEVEL,
  interval,
  hull,
  meet,
  formatInterval,
  levelName,
  parseLevel,
  levelFromNumber,
  type Interval,
  type LevelName,
} from './model/irql.js';
export {
  concretize,
  explainAbove,
  explainBelow,
  type Basis,
  type Evidence,
  type Explanation,
  type IrqlFact,
  type TraceStep,
} from './model/irql-domain.js';
export { Program, DEFAULT_IRQL_SETTINGS, type IrqlSettings, type CallSite, type ProgramOptions } from './model/program.js';
export type { FunctionRecords } from './model/analysis-memo.js';
export { powerContextAt, type PowerContext, type PowerDirection } from './model/power-context.js';
export { ddiTable, lookupDdi, type DdiEntry, DATA_DIR } from './knowledge/ddi-table.js';
export { lookupRole, type RoleSpec } from './knowledge/roles.js';
export {
  DUMP_MODE_CONDITION,
  onlyInDumpMode,
  STARTIO_ALLOCATION_DDIS,
  STARTIO_NAMES,
  STARTIO_ROLE,
  STARTIO_WAIT_DDIS,
  STORPORT_EQUIVALENTS,
  VIRTUAL_MINIPORT_MARKERS,
  storportProhibitedDdis,
} from './knowledge/storport.js';
export { CALL_REGISTRATIONS, FIELD_REGISTRATIONS } from './knowledge/registrations.js';
export { ARGUMENT_DEPENDENT_BOUNDS, type ArgumentDependentBound } from './knowledge/irql-bounds.js';
export type { ReleaseIssue } from './model/irql-analysis.js';
export { AllocationFlow, placeOf, type AllocationSite, type AllocationFindings, type UncheckedUse, type UninitializedCopy } from './model/allocation-flow.js';
export { IRQL_EFFECTS, irqlEffectOf, type IrqlEffect } from './knowledge/irql-effects.js';
export {
  ALLOCATORS,
  lookupAllocator,
  isPagedPoolType,
  isPagedPoolFlags,
  POOL_TYPE_VALUES,
  POOL_FLAG_VALUES,
  POOL_TYPE_MODIFIERS,
  POOL_TYPE_TO_FLAGS,
  POOL_MODIFIER_TO_FLAGS,
  type AllocatorSpec,
} from './knowledge/pool.js';
export {
  Linter,
  ConfigError,
  applyFixes,
  buildProgram,
  findRule,
  irqlSettingsFrom,
  normalizeRuleEntry,
  normalizeSeverity,
  type ConfigForFile,
  type LintInput,
  type LintMessage,
  type LintOptions,
  type AnalysisStore,
  type LintResult,
  type LocationInfo,
  type ResolvedConfig,
  type TraceEntry,
} from './linter/linter.js';
export { parseDirectives, applyDirectives, type Directive } from './linter/directives.js';
export type * from './rules/types.js';
export { defineRule, definePlugin } from './rules/define.js';
export { validateRuleOptions, validateSchema, type JsonSchema } from './rules/options-schema.js';
