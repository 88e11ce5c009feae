from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.graph_ql_resource_data_type_0 import GraphQLResourceDataType0
    from ..models.graph_ql_resource_extensions_type_0 import GraphQLResourceExtensionsType0


T = TypeVar("T", bound="GraphQLResource")


@_attrs_define
class GraphQLResource:
    """
    Attributes:
        data (GraphQLResourceDataType0 | None):
        errors (list[Any] | None):
        extensions (GraphQLResourceExtensionsType0 | None):
    """

    data: GraphQLResourceDataType0 | None
    errors: list[Any] | None
    extensions: GraphQLResourceExtensionsType0 | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.graph_ql_resource_data_type_0 import GraphQLResourceDataType0  # noqa: PLC0415
        from ..models.graph_ql_resource_extensions_type_0 import GraphQLResourceExtensionsType0  # noqa: PLC0415

        data: dict[str, Any] | None
        if isinstance(self.data, GraphQLResourceDataType0):
            data = self.data.to_dict()
        else:
            data = self.data

        errors: list[Any] | None
        if isinstance(self.errors, list):
            errors = self.errors

        else:
            errors = self.errors

        extensions: dict[str, Any] | None
        if isinstance(self.extensions, GraphQLResourceExtensionsType0):
            extensions = self.extensions.to_dict()
        else:
            extensions = self.extensions

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "errors": errors,
                "extensions": extensions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.graph_ql_resource_data_type_0 import GraphQLResourceDataType0  # noqa: PLC0415
        from ..models.graph_ql_resource_extensions_type_0 import GraphQLResourceExtensionsType0  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_data(data: object) -> GraphQLResourceDataType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                data_type_0 = GraphQLResourceDataType0.from_dict(data)

                return data_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GraphQLResourceDataType0 | None, data)

        data = _parse_data(d.pop("data"))

        def _parse_errors(data: object) -> list[Any] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                errors_type_0 = cast(list[Any], data)

                return errors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Any] | None, data)

        errors = _parse_errors(d.pop("errors"))

        def _parse_extensions(data: object) -> GraphQLResourceExtensionsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                extensions_type_0 = GraphQLResourceExtensionsType0.from_dict(data)

                return extensions_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(GraphQLResourceExtensionsType0 | None, data)

        extensions = _parse_extensions(d.pop("extensions"))

        graph_ql_resource = cls(
            data=data,
            errors=errors,
            extensions=extensions,
        )

        graph_ql_resource.additional_properties = d
        return graph_ql_resource

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
