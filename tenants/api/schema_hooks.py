"""Post-processing of the OpenAPI document (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""


def untitled_parameters(result, generator, request, public):
    """Move a parameter schema's `title` (a filter's translated label, e.g. 状态) into its description.

    Client generators name a parameter's inline enum after that title, so a Chinese label made classes like
    `V1BrainsProjectsList状` that change with the schema's language; without it they are named after the
    operation and the parameter (`V1BrainsProjectsListStatus`) whatever the language.
    """
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                title = parameter.get("schema", {}).pop("title", None)
                if title and title not in parameter.get("description", ""):
                    parameter["description"] = f"{title}\n\n{parameter['description']}" if parameter.get(
                        "description") else str(title)
    return result
