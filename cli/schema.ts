import { about } from './about.ts';
import { Command } from 'commander';
import { renderSchemaDoc } from '../model/src/schema-doc.ts';

/** `lookout schema`: prints the storage schema (docs/schema.md) from the catalog. */
export function schemaCommand(): Command {
  return new Command('schema').description(about.schema).action(() => {
    process.stdout.write(renderSchemaDoc());
  });
}
