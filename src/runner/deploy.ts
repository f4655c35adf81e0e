/**
 * Production deployments: `deploy` records a flow file with a production token; runs triggered
 * from it carry `production:<token>`, a namespace apart from every user's. As in Metaflow, a second
 * person redeploying needs the token (`--authorize`) or starts fresh with `--new-token`.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import * as path from "node:path";
import type { Datastore } from "../store/datastore.js";
import type { DeploymentRecord } from "../store/records.js";
import { ProductionTokenError, UsageError } from "../util/errors.js";
import { assertTag } from "../util/validate.js";

/** Options of `deployFlow`. */
export interface DeployOptions {
  /** The existing production token (also accepted with a `production:` prefix). */
  authorize?: string;
  /** Start a new production namespace with a fresh token. @default false */
  newToken?: boolean;
  user: string;
}

/** Records (or updates) the deployment of a flow file; returns the deployment. @throws ProductionTokenError */
export async function deployFlow(ds: Datastore, flow: string, file: string, o: DeployOptions): Promise<DeploymentRecord> {
  if (o.authorize && o.newToken) throw new UsageError("Give --authorize or --new-token, not both.");
  const given = o.authorize?.replace(/^production:/, "");
  const source = readFileSync(file, "utf8");
  const sourceSha = createHash("sha256").update(source).digest("hex");
  await ds.storage.write(`deployments/${flow}.source/${sourceSha}.ts`, source, { ifAbsent: true });
  // A first deployment is create-only; one that lost the race is judged again against the winner's.
  for (;;) {
    const existing = await ds.readDeployment(flow);
    const token = chooseToken(flow, existing, given, o);
    assertTag(`production:${token}`);
    const record: DeploymentRecord = { flow, token, deployedBy: o.user, deployedAt: Date.now(), flowFile: path.resolve(file), sourceSha };
    if (await ds.writeDeployment(record, { create: existing === undefined })) return record;
  }
}

function chooseToken(flow: string, existing: DeploymentRecord | undefined, given: string | undefined, o: DeployOptions): string {
  if (o.newToken || !existing) return given ?? `${flow.toLowerCase()}-${randomBytes(3).toString("hex")}`;
  if (given === undefined && existing.deployedBy === o.user) return existing.token;
  if (given === existing.token) return given;
  throw new ProductionTokenError(
    `${flow} was deployed by ${existing.deployedBy}. Try again with the correct production token: ` +
      `tsflow deploy <file> --authorize <token> (ask ${existing.deployedBy} for it), or start a new production namespace with --new-token.`,
  );
}

/** Reads a flow's deployment. @throws UsageError when the flow was never deployed */
export async function readDeployment(ds: Datastore, flow: string): Promise<DeploymentRecord> {
  const d = await ds.readDeployment(flow);
  if (!d) throw new UsageError(`${flow} is not deployed: deploy it first with tsflow deploy <file.ts>.`);
  return d;
}

/**
 * Makes the deployed source runnable: the deployed file itself when unchanged, else a copy of the
 * deployed source beside it (so its relative imports resolve), removed by the returned cleanup.
 */
export async function materializeDeployment(ds: Datastore, d: DeploymentRecord): Promise<{ file: string; cleanup: () => void }> {
  const current = existsSync(d.flowFile) ? createHash("sha256").update(readFileSync(d.flowFile)).digest("hex") : "";
  if (current === d.sourceSha) return { file: d.flowFile, cleanup: () => {} };
  const source = await ds.storage.readText(`deployments/${d.flow}.source/${d.sourceSha}.ts`);
  if (source === undefined) throw new UsageError(`The deployed source of ${d.flow} is missing from the datastore: deploy it again.`);
  const file = path.join(path.dirname(d.flowFile), `.tsflow-deployed-${d.sourceSha.slice(0, 12)}-${process.pid}.ts`);
  writeFileSync(file, source);
  return { file, cleanup: () => rmSync(file, { force: true }) };
}
