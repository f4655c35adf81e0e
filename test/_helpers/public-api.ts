/**
 * Finds what a user meets through the package entry but cannot name: types that exported functions,
 * classes and types take, return or hold, and errors their TSDoc says they throw, that the entry does
 * not export. Uses the TypeScript compiler over src/index.ts.
 */
import ts from "typescript";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** One thing a user meets but the entry does not export. */
export interface Unexported {
  /** The type or error's name. */
  name: string;
  /** Where the user meets it: `Export.member` or `Export @throws`. */
  via: string;
}

/** Lists every type reachable from the entry's exports, declared in src/, that the entry does not export. */
export function findUnexported(entry = "src/index.ts"): Unexported[] {
  const file = join(ROOT, entry);
  const program = ts.createProgram([file], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ["node"],
    typeRoots: [join(ROOT, "node_modules/@types")],
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  const exports = checker.getExportsOfModule(module);
  const exported = new Set(exports.map((s) => resolve(checker, s)));
  const exportedNames = new Set(exports.map((s) => s.name));
  const found = new Map<string, Unexported>();
  const seen = new Set<ts.Type>();

  const inSrc = (symbol: ts.Symbol | undefined) => symbol?.declarations?.some((d) => d.getSourceFile().fileName.startsWith(join(ROOT, "src"))) ?? false;
  const note = (symbol: ts.Symbol, via: string) => {
    const s = resolve(checker, symbol);
    if (!inSrc(s) || exported.has(s) || found.has(s.name)) return;
    // Type parameters and members are named through their owner; a helper type alias shows as what
    // it expands to. Interfaces, classes and enums are what a user must be able to name.
    if (!(s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.Enum))) return;
    found.set(s.name, { name: s.name, via });
  };
  const visit = (type: ts.Type, via: string, depth: number): void => {
    if (depth > 6 || seen.has(type)) return;
    seen.add(type);
    if (type.aliasSymbol) note(type.aliasSymbol, via);
    const symbol = type.getSymbol();
    if (symbol && !type.aliasSymbol && !(type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Anonymous)) note(symbol, via);
    for (const arg of type.aliasTypeArguments ?? []) visit(arg, via, depth + 1);
    if (type.isUnionOrIntersection()) for (const t of type.types) visit(t, via, depth + 1);
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const declaredHere = inSrc(type.aliasSymbol ?? symbol) || !symbol || (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Anonymous;
    if ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)
      for (const t of checker.getTypeArguments(type as ts.TypeReference)) visit(t, via, depth + 1);
    if (!declaredHere) return;
    for (const sig of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      if (!isInternal(sig.getDeclaration())) visitSignature(sig, via, depth);
    }
    for (const prop of type.getProperties()) {
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (!decl || isInternal(decl) || ts.getCombinedModifierFlags(decl as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      if (prop.name.startsWith("#") || prop.name.startsWith("__")) continue;
      visit(checker.getTypeOfSymbolAtLocation(prop, decl), `${via}.${prop.name}`, depth + 1);
    }
  };
  const visitSignature = (sig: ts.Signature, via: string, depth: number) => {
    for (const p of sig.getParameters()) visit(checker.getTypeOfSymbol(p), via, depth + 1);
    visit(sig.getReturnType(), via, depth + 1);
  };

  for (const symbol of exports) {
    const s = resolve(checker, symbol);
    const decl = s.valueDeclaration ?? s.declarations?.[0];
    if (!decl) continue;
    if (s.flags & ts.SymbolFlags.Value) visit(checker.getTypeOfSymbolAtLocation(s, decl), symbol.name, 0);
    if (s.flags & ts.SymbolFlags.Type) visit(checker.getDeclaredTypeOfSymbol(s), symbol.name, 0);
    for (const tag of s.getJsDocTags(checker)) {
      if (tag.name !== "throws") continue;
      const text = ts.displayPartsToString(tag.text);
      for (const m of text.matchAll(/\b([A-Z][A-Za-z]*Error)\b/g)) {
        if (!exportedNames.has(m[1]!)) found.set(m[1]!, { name: m[1]!, via: `${symbol.name} @throws` });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Whether a declaration is marked `@internal` (a constructor the factories call, a member for the library). */
function isInternal(decl: ts.Node | undefined): boolean {
  return decl !== undefined && ts.getJSDocTags(decl).some((t) => t.tagName.text === "internal");
}

function resolve(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}
