"""Contains all the data models used in inputs/outputs"""

from .activation_change_in import ActivationChangeIn
from .activation_change_out import ActivationChangeOut
from .activation_in import ActivationIn
from .activation_out import ActivationOut
from .activation_record_out import ActivationRecordOut
from .active_model_out import ActiveModelOut
from .active_model_out_validated_on import ActiveModelOutValidatedOn
from .allocation_out import AllocationOut
from .allocation_out_explanation_type_0 import AllocationOutExplanationType0
from .allocation_track_out import AllocationTrackOut
from .api_key_out import ApiKeyOut
from .approve_in import ApproveIn
from .aqls_in import AqlsIn
from .attempt_out import AttemptOut
from .capacity_export_out import CapacityExportOut
from .capacity_export_out_items_item import CapacityExportOutItemsItem
from .capacity_unit import CapacityUnit
from .capacity_week_out import CapacityWeekOut
from .chart_out import ChartOut
from .chart_point_out import ChartPointOut
from .comparison_out import ComparisonOut
from .comparison_out_volatility_parameters import ComparisonOutVolatilityParameters
from .comparison_row_out import ComparisonRowOut
from .connector_in import ConnectorIn
from .connector_in_mapping import ConnectorInMapping
from .connector_out import ConnectorOut
from .connector_out_mapping import ConnectorOutMapping
from .consumption_out import ConsumptionOut
from .cosign_in import CosignIn
from .cost_sensitivity import CostSensitivity
from .dead_letter_out import DeadLetterOut
from .defect_count_in import DefectCountIn
from .defect_count_in_severity import DefectCountInSeverity
from .delivery_log_out import DeliveryLogOut
from .delivery_log_out_body import DeliveryLogOutBody
from .delivery_out import DeliveryOut
from .demand_forecast_out import DemandForecastOut
from .demand_list_out import DemandListOut
from .detection_out import DetectionOut
from .endpoint_change import EndpointChange
from .endpoint_created_out import EndpointCreatedOut
from .endpoint_in import EndpointIn
from .endpoint_out import EndpointOut
from .event_type_out import EventTypeOut
from .forecast_point_out import ForecastPointOut
from .granularity import Granularity
from .graph_ql_resource import GraphQLResource
from .graph_ql_resource_data_type_0 import GraphQLResourceDataType0
from .graph_ql_resource_extensions_type_0 import GraphQLResourceExtensionsType0
from .health_health_response_200 import HealthHealthResponse200
from .image_out import ImageOut
from .image_out_defect_counts import ImageOutDefectCounts
from .import_out import ImportOut
from .imported_out import ImportedOut
from .kpi_out import KpiOut
from .kpi_report_out import KpiReportOut
from .light_out import LightOut
from .list_out import ListOut
from .lot_in import LotIn
from .lot_in_level import LotInLevel
from .lot_inspection_out import LotInspectionOut
from .lot_inspection_out_defect_counts import LotInspectionOutDefectCounts
from .lot_out import LotOut
from .lot_out_aqls import LotOutAqls
from .lot_out_defect_classes import LotOutDefectClasses
from .lot_out_defects import LotOutDefects
from .lot_out_plan import LotOutPlan
from .lot_out_units import LotOutUnits
from .mapping_in import MappingIn
from .mapping_out import MappingOut
from .match_in import MatchIn
from .match_in_mode import MatchInMode
from .match_run_out import MatchRunOut
from .match_run_out_plan_item import MatchRunOutPlanItem
from .match_run_out_request import MatchRunOutRequest
from .match_run_out_result_type_0 import MatchRunOutResultType0
from .material_demand_out import MaterialDemandOut
from .me_out import MeOut
from .model_version_out import ModelVersionOut
from .model_version_out_card import ModelVersionOutCard
from .model_version_out_metrics import ModelVersionOutMetrics
from .offer_change import OfferChange
from .offer_in import OfferIn
from .offer_out import OfferOut
from .offer_status import OfferStatus
from .on_time_out import OnTimeOut
from .operation_out import OperationOut
from .order_in import OrderIn
from .order_out import OrderOut
from .org_key_in import OrgKeyIn
from .organisation_out import OrganisationOut
from .page_out_allocation_out import PageOutAllocationOut
from .page_out_dead_letter_out import PageOutDeadLetterOut
from .page_out_match_run_out import PageOutMatchRunOut
from .page_out_model_version_out import PageOutModelVersionOut
from .page_out_offer_out import PageOutOfferOut
from .page_out_order_out import PageOutOrderOut
from .page_out_partnership_out import PageOutPartnershipOut
from .page_out_progress_out import PageOutProgressOut
from .page_out_resource_out import PageOutResourceOut
from .page_out_site_out import PageOutSiteOut
from .partner_forecast_out import PartnerForecastOut
from .partnership_in import PartnershipIn
from .partnership_out import PartnershipOut
from .plan_day import PlanDay
from .plan_in import PlanIn
from .plan_item import PlanItem
from .plan_item_explanation_type_0 import PlanItemExplanationType0
from .plan_out import PlanOut
from .planned_day_out import PlannedDayOut
from .policy_in import PolicyIn
from .progress_in import ProgressIn
from .progress_out import ProgressOut
from .progress_step import ProgressStep
from .ready_ready_response_200 import ReadyReadyResponse200
from .resource_in import ResourceIn
from .resource_in_skills import ResourceInSkills
from .resource_kind import ResourceKind
from .resource_out import ResourceOut
from .resource_out_skills import ResourceOutSkills
from .response_in import ResponseIn
from .results_in import ResultsIn
from .resume_in import ResumeIn
from .review_decision_in import ReviewDecisionIn
from .review_decision_in_decision import ReviewDecisionInDecision
from .review_in import ReviewIn
from .score_out import ScoreOut
from .self_check_out import SelfCheckOut
from .self_check_out_points import SelfCheckOutPoints
from .signal_out import SignalOut
from .site_in import SiteIn
from .site_out import SiteOut
from .skipped_out import SkippedOut
from .spc_out import SpcOut
from .status_change_out import StatusChangeOut
from .switching_out import SwitchingOut
from .telemetry_in import TelemetryIn
from .telemetry_out import TelemetryOut
from .telemetry_sample import TelemetrySample
from .tracking_out import TrackingOut
from .transition_in import TransitionIn
from .units_in import UnitsIn
from .urgency import Urgency
from .utilisation_out import UtilisationOut
from .utilisation_row_out import UtilisationRowOut
from .v1_catenax_material_demands_demand_id_read_demand_response_200 import (
    V1CatenaxMaterialDemandsDemandIdReadDemandResponse200,
)
from .v1_catenax_material_demands_import_demand_body import V1CatenaxMaterialDemandsImportDemandBody
from .v1_connectors_connector_id_run_run_response_200 import V1ConnectorsConnectorIdRunRunResponse200
from .v1_ledger_checkpoint_checkpoint_response_200 import V1LedgerCheckpointCheckpointResponse200
from .v1_ledger_consistency_consistency_response_200 import V1LedgerConsistencyConsistencyResponse200
from .v1_ledger_entries_entries_response_200 import V1LedgerEntriesEntriesResponse200
from .v1_ledger_entries_seq_cosignatures_cosign_response_201 import V1LedgerEntriesSeqCosignaturesCosignResponse201
from .v1_ledger_entries_seq_proof_proof_response_200 import V1LedgerEntriesSeqProofProofResponse200
from .v1_ledger_keys_keys_response_200 import V1LedgerKeysKeysResponse200
from .v1_ledger_keys_register_key_response_201 import V1LedgerKeysRegisterKeyResponse201
from .v1_matching_preview_preview_response_200 import V1MatchingPreviewPreviewResponse200
from .v1_settlement_statements_month_statement_response_200 import V1SettlementStatementsMonthStatementResponse200
from .visibility import Visibility
from .week_comparison_out import WeekComparisonOut
from .withdraw_in import WithdrawIn
from .withdraw_out import WithdrawOut

__all__ = (
    "ActivationChangeIn",
    "ActivationChangeOut",
    "ActivationIn",
    "ActivationOut",
    "ActivationRecordOut",
    "ActiveModelOut",
    "ActiveModelOutValidatedOn",
    "AllocationOut",
    "AllocationOutExplanationType0",
    "AllocationTrackOut",
    "ApiKeyOut",
    "ApproveIn",
    "AqlsIn",
    "AttemptOut",
    "CapacityExportOut",
    "CapacityExportOutItemsItem",
    "CapacityUnit",
    "CapacityWeekOut",
    "ChartOut",
    "ChartPointOut",
    "ComparisonOut",
    "ComparisonOutVolatilityParameters",
    "ComparisonRowOut",
    "ConnectorIn",
    "ConnectorInMapping",
    "ConnectorOut",
    "ConnectorOutMapping",
    "ConsumptionOut",
    "CosignIn",
    "CostSensitivity",
    "DeadLetterOut",
    "DefectCountIn",
    "DefectCountInSeverity",
    "DeliveryLogOut",
    "DeliveryLogOutBody",
    "DeliveryOut",
    "DemandForecastOut",
    "DemandListOut",
    "DetectionOut",
    "EndpointChange",
    "EndpointCreatedOut",
    "EndpointIn",
    "EndpointOut",
    "EventTypeOut",
    "ForecastPointOut",
    "Granularity",
    "GraphQLResource",
    "GraphQLResourceDataType0",
    "GraphQLResourceExtensionsType0",
    "HealthHealthResponse200",
    "ImageOut",
    "ImageOutDefectCounts",
    "ImportedOut",
    "ImportOut",
    "KpiOut",
    "KpiReportOut",
    "LightOut",
    "ListOut",
    "LotIn",
    "LotInLevel",
    "LotInspectionOut",
    "LotInspectionOutDefectCounts",
    "LotOut",
    "LotOutAqls",
    "LotOutDefectClasses",
    "LotOutDefects",
    "LotOutPlan",
    "LotOutUnits",
    "MappingIn",
    "MappingOut",
    "MatchIn",
    "MatchInMode",
    "MatchRunOut",
    "MatchRunOutPlanItem",
    "MatchRunOutRequest",
    "MatchRunOutResultType0",
    "MaterialDemandOut",
    "MeOut",
    "ModelVersionOut",
    "ModelVersionOutCard",
    "ModelVersionOutMetrics",
    "OfferChange",
    "OfferIn",
    "OfferOut",
    "OfferStatus",
    "OnTimeOut",
    "OperationOut",
    "OrderIn",
    "OrderOut",
    "OrganisationOut",
    "OrgKeyIn",
    "PageOutAllocationOut",
    "PageOutDeadLetterOut",
    "PageOutMatchRunOut",
    "PageOutModelVersionOut",
    "PageOutOfferOut",
    "PageOutOrderOut",
    "PageOutPartnershipOut",
    "PageOutProgressOut",
    "PageOutResourceOut",
    "PageOutSiteOut",
    "PartnerForecastOut",
    "PartnershipIn",
    "PartnershipOut",
    "PlanDay",
    "PlanIn",
    "PlanItem",
    "PlanItemExplanationType0",
    "PlannedDayOut",
    "PlanOut",
    "PolicyIn",
    "ProgressIn",
    "ProgressOut",
    "ProgressStep",
    "ReadyReadyResponse200",
    "ResourceIn",
    "ResourceInSkills",
    "ResourceKind",
    "ResourceOut",
    "ResourceOutSkills",
    "ResponseIn",
    "ResultsIn",
    "ResumeIn",
    "ReviewDecisionIn",
    "ReviewDecisionInDecision",
    "ReviewIn",
    "ScoreOut",
    "SelfCheckOut",
    "SelfCheckOutPoints",
    "SignalOut",
    "SiteIn",
    "SiteOut",
    "SkippedOut",
    "SpcOut",
    "StatusChangeOut",
    "SwitchingOut",
    "TelemetryIn",
    "TelemetryOut",
    "TelemetrySample",
    "TrackingOut",
    "TransitionIn",
    "UnitsIn",
    "Urgency",
    "UtilisationOut",
    "UtilisationRowOut",
    "V1CatenaxMaterialDemandsDemandIdReadDemandResponse200",
    "V1CatenaxMaterialDemandsImportDemandBody",
    "V1ConnectorsConnectorIdRunRunResponse200",
    "V1LedgerCheckpointCheckpointResponse200",
    "V1LedgerConsistencyConsistencyResponse200",
    "V1LedgerEntriesEntriesResponse200",
    "V1LedgerEntriesSeqCosignaturesCosignResponse201",
    "V1LedgerEntriesSeqProofProofResponse200",
    "V1LedgerKeysKeysResponse200",
    "V1LedgerKeysRegisterKeyResponse201",
    "V1MatchingPreviewPreviewResponse200",
    "V1SettlementStatementsMonthStatementResponse200",
    "Visibility",
    "WeekComparisonOut",
    "WithdrawIn",
    "WithdrawOut",
)
