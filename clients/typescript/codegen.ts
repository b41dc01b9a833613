// GraphQL Code Generator: typed documents for every `graphql(...)` call in src/,
// from the SDL the server prints (`masthead schema`, checked in at ../../schema.graphql).
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../../schema.graphql",
  documents: ["src/**/*.ts", "!src/generated/**"],
  generates: {
    "src/generated/graphql/": {
      preset: "client",
      config: { useTypeImports: true, enumsAsTypes: true, strictScalars: true, scalars: { DateTime: "string", JSON: "unknown", UUID: "string" } },
    },
  },
};

export default config;
