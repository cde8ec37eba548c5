from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.analytics_summary_days_item import AnalyticsSummaryDaysItem
    from ..models.analytics_summary_period import AnalyticsSummaryPeriod
    from ..models.analytics_summary_totals import AnalyticsSummaryTotals


T = TypeVar("T", bound="AnalyticsSummary")


@_attrs_define
class AnalyticsSummary:
    """
    Attributes:
        days (list[AnalyticsSummaryDaysItem]):
        period (AnalyticsSummaryPeriod):
        totals (AnalyticsSummaryTotals):
    """

    days: list[AnalyticsSummaryDaysItem]
    period: AnalyticsSummaryPeriod
    totals: AnalyticsSummaryTotals
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)

        period = self.period.to_dict()

        totals = self.totals.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "days": days,
                "period": period,
                "totals": totals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.analytics_summary_days_item import AnalyticsSummaryDaysItem
        from ..models.analytics_summary_period import AnalyticsSummaryPeriod
        from ..models.analytics_summary_totals import AnalyticsSummaryTotals

        d = dict(src_dict)
        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = AnalyticsSummaryDaysItem.from_dict(days_item_data)

            days.append(days_item)

        period = AnalyticsSummaryPeriod.from_dict(d.pop("period"))

        totals = AnalyticsSummaryTotals.from_dict(d.pop("totals"))

        analytics_summary = cls(
            days=days,
            period=period,
            totals=totals,
        )

        analytics_summary.additional_properties = d
        return analytics_summary

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
