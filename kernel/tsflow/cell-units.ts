/**
 * A cell's top-level imports and declarations as units a package can take one by one: each with
 * its text, the names it declares and the top-level names it uses at run time (types are erased,
 * so names used only as types do not count). An import is split into one unit per binding, so two
 * cells importing the same name do not declare it twice. Expression statements and other
 * statements (loops, ifs) give no unit: they are what a cell did, not what it defines.
 */
import type * as TS from "typescript";

/** One top-level import binding or declaration of a cell. */
export interface CellUnit {
  /** The statement as it goes into the package (without `export`). */
  text: string;
  declares: string[];
  /** Top-level names (of this cell or others, or globals) read at run time. */
  uses: string[];
  /** A bare `import "module"`: kept with the cells the package takes. */
  sideEffect?: boolean;
}

const CELL_FILE = "/cell.ts";
const analyzed = new Map<string, CellUnit[]>();

/** The units of a cell's source (remembered per source: cells re-run unchanged are not parsed again). */
export function analyzeCell(ts: typeof TS, source: string): CellUnit[] {
  let units = analyzed.get(source);
  if (!units) {
    units = unitsOf(ts, source);
    if (analyzed.size > 1000) analyzed.clear();
    analyzed.set(source, units);
  }
  return units;
}

function unitsOf(ts: typeof TS, source: string): CellUnit[] {
  const sf = ts.createSourceFile(CELL_FILE, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const checker = checkerFor(ts, sf);
  const units: CellUnit[] = [];
  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt)) units.push(...importUnits(ts, sf, stmt));
    else if (isRuntimeDeclaration(ts, stmt)) {
      const declares = declaredNames(ts, stmt);
      const uses = usedNames(ts, checker, stmt).filter((n) => !declares.includes(n));
      units.push({ text: withoutExport(ts, sf, stmt), declares, uses });
    }
  }
  return units;
}

// A program of the cell alone, without the standard library: what resolves is the cell's own
// declarations; every other name is free (another cell's, or a global).
function checkerFor(ts: typeof TS, sf: TS.SourceFile): TS.TypeChecker {
  const options: TS.CompilerOptions = { noLib: true, noResolve: true, types: [], experimentalDecorators: true };
  const host: TS.CompilerHost = {
    getSourceFile: (f) => (f === CELL_FILE ? sf : undefined),
    getDefaultLibFileName: () => "/lib.d.ts",
    writeFile: () => {},
    getCurrentDirectory: () => "/",
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => "\n",
    fileExists: (f) => f === CELL_FILE,
    readFile: () => undefined,
  };
  return ts.createProgram({ rootNames: [CELL_FILE], options, host }).getTypeChecker();
}

function isRuntimeDeclaration(ts: typeof TS, stmt: TS.Statement): boolean {
  if (ts.canHaveModifiers(stmt) && ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword)) return false;
  if (ts.isFunctionDeclaration(stmt)) return stmt.body !== undefined && stmt.name !== undefined;
  return (
    ts.isVariableStatement(stmt) ||
    (ts.isClassDeclaration(stmt) && stmt.name !== undefined) ||
    ts.isEnumDeclaration(stmt) ||
    (ts.isModuleDeclaration(stmt) && ts.isIdentifier(stmt.name)) ||
    ts.isImportEqualsDeclaration(stmt)
  );
}

function importUnits(ts: typeof TS, sf: TS.SourceFile, stmt: TS.ImportDeclaration): CellUnit[] {
  const clause = stmt.importClause;
  // The module and anything after it (`with { type: "json" }`), as written.
  const from = `from ${sf.text.slice(stmt.moduleSpecifier.getStart(sf), stmt.end).trim().replace(/;?$/, ";")}`;
  if (!clause) return [{ text: stmt.getText(sf), declares: [], uses: [], sideEffect: true }];
  if (clause.isTypeOnly) return [];
  const units: CellUnit[] = [];
  const unit = (binding: string, name: string) => units.push({ text: `import ${binding} ${from}`, declares: [name], uses: [] });
  if (clause.name) unit(clause.name.text, clause.name.text);
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) unit(`* as ${bindings.name.text}`, bindings.name.text);
  if (bindings && ts.isNamedImports(bindings))
    for (const el of bindings.elements) {
      if (el.isTypeOnly) continue;
      const imported = el.propertyName ? `${el.propertyName.getText(sf)} as ${el.name.text}` : el.name.text;
      unit(`{ ${imported} }`, el.name.text);
    }
  return units;
}

function declaredNames(ts: typeof TS, stmt: TS.Statement): string[] {
  if (ts.isVariableStatement(stmt)) return stmt.declarationList.declarations.flatMap((d) => bindingNames(ts, d.name));
  const name = (stmt as TS.DeclarationStatement).name;
  return name && ts.isIdentifier(name) ? [name.text] : [];
}

function bindingNames(ts: typeof TS, name: TS.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : bindingNames(ts, el.name)));
}

// The statement's text with `export` / `export default` cut out: the package exports the class itself.
function withoutExport(ts: typeof TS, sf: TS.SourceFile, stmt: TS.Statement): string {
  const start = stmt.getStart(sf);
  let text = "";
  let at = start;
  for (const mod of ts.canHaveModifiers(stmt) ? (ts.getModifiers(stmt) ?? []) : []) {
    if (mod.kind !== ts.SyntaxKind.ExportKeyword && mod.kind !== ts.SyntaxKind.DefaultKeyword) continue;
    text += sf.text.slice(at, mod.getStart(sf));
    at = mod.end;
  }
  return (text + sf.text.slice(at, stmt.end)).trim();
}

/** The top-level names `stmt` reads at run time: free names, and the cell's own top-level declarations. */
function usedNames(ts: typeof TS, checker: TS.TypeChecker, stmt: TS.Statement): string[] {
  const names = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (ts.isExpressionWithTypeArguments(node)) {
      // `extends Base<T>` reads Base; `implements I` is a type.
      const clause = node.parent;
      if (ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ExtendsKeyword && !ts.isInterfaceDeclaration(clause.parent)) visit(node.expression);
      return;
    }
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (ts.isIdentifier(node)) {
      if (isTopLevelReference(ts, checker, node)) names.add(node.text);
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(stmt, visit);
  return [...names];
}

function isTopLevelReference(ts: typeof TS, checker: TS.TypeChecker, id: TS.Identifier): boolean {
  const p = id.parent;
  if (!isReferencePosition(ts, id, p)) return false;
  const symbol = ts.isShorthandPropertyAssignment(p) ? checker.getShorthandAssignmentValueSymbol(p) : checker.getSymbolAtLocation(id);
  const decl = symbol?.declarations?.[0];
  return decl === undefined || isTopLevelDeclaration(ts, decl);
}

// Names that are not variable references: `a.name`, `{ name: v }`, members, labels, `import.meta`.
function isReferencePosition(ts: typeof TS, id: TS.Identifier, p: TS.Node): boolean {
  if (ts.isPropertyAccessExpression(p)) return p.name !== id;
  if (ts.isQualifiedName(p)) return p.right !== id;
  if (ts.isPropertyAssignment(p) || ts.isClassElement(p) || ts.isTypeElement(p) || ts.isEnumMember(p) || ts.isJsxAttribute(p))
    return (p as { name?: TS.Node }).name !== id;
  if (ts.isBindingElement(p) || ts.isImportSpecifier(p) || ts.isExportSpecifier(p)) return p.propertyName !== id;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
  if (ts.isMetaProperty(p)) return false;
  return true;
}

// A declaration whose nearest enclosing scope is the cell itself.
function isTopLevelDeclaration(ts: typeof TS, decl: TS.Node): boolean {
  if (ts.isFunctionExpression(decl) || ts.isClassExpression(decl)) return false; // its name is its own
  for (let n = decl.parent; n; n = n.parent) {
    if (ts.isSourceFile(n)) return true;
    if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCatchClause(n) || ts.isCaseBlock(n)) return false;
    if (ts.isForStatement(n) || ts.isForInStatement(n) || ts.isForOfStatement(n)) return false;
  }
  return false;
}
