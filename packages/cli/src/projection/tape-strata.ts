/**
 * A loan tape read into risk tiers for `abs project --tape`: the tape is validated as `abs tape validate` does
 * (same template, mapping and encodings) and each valid loan is grouped as the projection file's `tiers.by`
 * says. A tape with any invalid row is refused: tiers priced from part of a pool would mislead.
 */
import { randomBytes } from "node:crypto";
import { cashflow, validateTape } from "@abs/core";
import { CliError } from "../errors";
import { closeInputFile, openInputFile } from "../input-file";
import { readMapping } from "../mapping-file";

/**
 * Reads the tape and groups its loans.
 *
 * @throws CliError `INPUT_NOT_FOUND` (tape or mapping missing), `MAPPING_INVALID`, `TAPE_INVALID` (with the first
 * problems, row and column), `USAGE` when no loan performs
 */
export async function readTapeStrata(
  tape: string,
  mappingFile: string | undefined,
  by: readonly cashflow.standard.StrataAttribute[],
): Promise<cashflow.standard.Stratification> {
  const mapping = mappingFile === undefined ? undefined : await readMapping(mappingFile);
  const stratifier = new cashflow.standard.Stratifier(by);
  const input = openInputFile(tape);
  let result;
  try {
    result = await validateTape(input, {
      ...(mapping === undefined ? {} : { mapping }),
      maxErrors: 20,
      // Throwaway keys: the pseudonyms and the commitment only serve this read, nothing is stored.
      borrowerKey: randomBytes(32),
      saltKey: randomBytes(32),
      onLoan: (loan) => stratifier.add(loan.record),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
      throw new CliError("INPUT_NOT_FOUND", `Cannot read the tape ${JSON.stringify(tape)}`, { cause: error });
    }
    throw error;
  } finally {
    await closeInputFile(input);
  }
  if (!result.valid) {
    throw new CliError("TAPE_INVALID", `The tape ${tape} is invalid (check it with abs tape validate)`, {
      details: result.errors
        .slice(0, 5)
        .map(
          (issue) =>
            `row ${issue.row}${issue.columnName === undefined ? "" : `, ${issue.columnName}`}: expected ${issue.expected}; found ${issue.found}`,
        ),
    });
  }
  const strata = stratifier.result();
  if (strata.strata.length === 0) {
    throw new CliError("USAGE", `The tape ${tape} has no performing loan with a balance to project`);
  }
  return strata;
}
