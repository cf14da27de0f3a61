"""Reading the folder format: YAML files, schemas, the model, assessments, evidence registers."""
