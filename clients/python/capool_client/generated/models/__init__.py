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
from .allocation_page import AllocationPage
from .allocation_track_out import AllocationTrackOut
from .api_key_out import ApiKeyOut
from .approve_in import ApproveIn
from .aqls_in import AqlsIn
from .attempt_out import AttemptOut
from .capacity_export_out import CapacityExportOut
from .capacity_export_out_items_item import CapacityExportOutItemsItem
from .capacity_unit import CapacityUnit
from .capacity_week_out import CapacityWeekOut
from .chain_account_in import ChainAccountIn
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
from .cosign_ledger_entry_response_201 import CosignLedgerEntryResponse201
from .cost_sensitivity import CostSensitivity
from .dead_letter_out import DeadLetterOut
from .dead_letter_page import DeadLetterPage
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
from .get_allocation_escrow_response_200 import GetAllocationEscrowResponse200
from .get_health_response_200 import GetHealthResponse200
from .get_ledger_checkpoint_response_200 import GetLedgerCheckpointResponse200
from .get_ledger_consistency_proof_response_200 import GetLedgerConsistencyProofResponse200
from .get_ledger_inclusion_proof_response_200 import GetLedgerInclusionProofResponse200
from .get_material_demand_response_200 import GetMaterialDemandResponse200
from .get_readiness_response_200 import GetReadinessResponse200
from .get_settlement_statement_response_200 import GetSettlementStatementResponse200
from .granularity import Granularity
from .graph_ql_request import GraphQLRequest
from .graph_ql_request_extensions_type_0 import GraphQLRequestExtensionsType0
from .graph_ql_request_variables_type_0 import GraphQLRequestVariablesType0
from .graph_ql_resource import GraphQLResource
from .graph_ql_resource_data_type_0 import GraphQLResourceDataType0
from .graph_ql_resource_extensions_type_0 import GraphQLResourceExtensionsType0
from .image_out import ImageOut
from .image_out_defect_counts import ImageOutDefectCounts
from .import_material_demand_body import ImportMaterialDemandBody
from .import_out import ImportOut
from .import_records_files_body import ImportRecordsFilesBody
from .import_records_json_body import ImportRecordsJsonBody
from .import_records_json_body_rows_item import ImportRecordsJsonBodyRowsItem
from .imported_out import ImportedOut
from .kpi_out import KpiOut
from .kpi_report_out import KpiReportOut
from .light_out import LightOut
from .list_chain_accounts_response_200 import ListChainAccountsResponse200
from .list_ledger_entries_response_200 import ListLedgerEntriesResponse200
from .list_ledger_keys_response_200 import ListLedgerKeysResponse200
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
from .match_run_page import MatchRunPage
from .material_demand_out import MaterialDemandOut
from .me_out import MeOut
from .model_version_out import ModelVersionOut
from .model_version_out_card import ModelVersionOutCard
from .model_version_out_metrics import ModelVersionOutMetrics
from .model_version_page import ModelVersionPage
from .offer_change import OfferChange
from .offer_in import OfferIn
from .offer_out import OfferOut
from .offer_page import OfferPage
from .offer_status import OfferStatus
from .on_time_out import OnTimeOut
from .operation_out import OperationOut
from .order_in import OrderIn
from .order_out import OrderOut
from .order_page import OrderPage
from .org_key_in import OrgKeyIn
from .organisation_out import OrganisationOut
from .partner_forecast_out import PartnerForecastOut
from .partnership_in import PartnershipIn
from .partnership_out import PartnershipOut
from .partnership_page import PartnershipPage
from .plan_day import PlanDay
from .plan_in import PlanIn
from .plan_item import PlanItem
from .plan_item_explanation_type_0 import PlanItemExplanationType0
from .plan_out import PlanOut
from .planned_day_out import PlannedDayOut
from .policy_in import PolicyIn
from .preview_matching_response_200 import PreviewMatchingResponse200
from .problem import Problem
from .problem_field_error import ProblemFieldError
from .process_in import ProcessIn
from .process_names import ProcessNames
from .process_names_out import ProcessNamesOut
from .process_out import ProcessOut
from .progress_in import ProgressIn
from .progress_out import ProgressOut
from .progress_page import ProgressPage
from .progress_step import ProgressStep
from .register_chain_account_response_201 import RegisterChainAccountResponse201
from .register_inspection_model_files_body import RegisterInspectionModelFilesBody
from .register_inspection_model_json_body import RegisterInspectionModelJsonBody
from .register_inspection_model_json_body_card import RegisterInspectionModelJsonBodyCard
from .register_ledger_key_response_201 import RegisterLedgerKeyResponse201
from .resource_in import ResourceIn
from .resource_in_skills import ResourceInSkills
from .resource_kind import ResourceKind
from .resource_out import ResourceOut
from .resource_out_skills import ResourceOutSkills
from .resource_page import ResourcePage
from .response_in import ResponseIn
from .results_in import ResultsIn
from .resume_in import ResumeIn
from .review_decision_in import ReviewDecisionIn
from .review_decision_in_decision import ReviewDecisionInDecision
from .review_in import ReviewIn
from .run_connector_response_200 import RunConnectorResponse200
from .score_out import ScoreOut
from .self_check_out import SelfCheckOut
from .self_check_out_points import SelfCheckOutPoints
from .signal_out import SignalOut
from .site_in import SiteIn
from .site_out import SiteOut
from .site_page import SitePage
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
from .upload_lot_images_body import UploadLotImagesBody
from .urgency import Urgency
from .utilisation_out import UtilisationOut
from .utilisation_row_out import UtilisationRowOut
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
    "AllocationPage",
    "AllocationTrackOut",
    "ApiKeyOut",
    "ApproveIn",
    "AqlsIn",
    "AttemptOut",
    "CapacityExportOut",
    "CapacityExportOutItemsItem",
    "CapacityUnit",
    "CapacityWeekOut",
    "ChainAccountIn",
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
    "CosignLedgerEntryResponse201",
    "CostSensitivity",
    "DeadLetterOut",
    "DeadLetterPage",
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
    "GetAllocationEscrowResponse200",
    "GetHealthResponse200",
    "GetLedgerCheckpointResponse200",
    "GetLedgerConsistencyProofResponse200",
    "GetLedgerInclusionProofResponse200",
    "GetMaterialDemandResponse200",
    "GetReadinessResponse200",
    "GetSettlementStatementResponse200",
    "Granularity",
    "GraphQLRequest",
    "GraphQLRequestExtensionsType0",
    "GraphQLRequestVariablesType0",
    "GraphQLResource",
    "GraphQLResourceDataType0",
    "GraphQLResourceExtensionsType0",
    "ImageOut",
    "ImageOutDefectCounts",
    "ImportedOut",
    "ImportMaterialDemandBody",
    "ImportOut",
    "ImportRecordsFilesBody",
    "ImportRecordsJsonBody",
    "ImportRecordsJsonBodyRowsItem",
    "KpiOut",
    "KpiReportOut",
    "LightOut",
    "ListChainAccountsResponse200",
    "ListLedgerEntriesResponse200",
    "ListLedgerKeysResponse200",
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
    "MatchRunPage",
    "MaterialDemandOut",
    "MeOut",
    "ModelVersionOut",
    "ModelVersionOutCard",
    "ModelVersionOutMetrics",
    "ModelVersionPage",
    "OfferChange",
    "OfferIn",
    "OfferOut",
    "OfferPage",
    "OfferStatus",
    "OnTimeOut",
    "OperationOut",
    "OrderIn",
    "OrderOut",
    "OrderPage",
    "OrganisationOut",
    "OrgKeyIn",
    "PartnerForecastOut",
    "PartnershipIn",
    "PartnershipOut",
    "PartnershipPage",
    "PlanDay",
    "PlanIn",
    "PlanItem",
    "PlanItemExplanationType0",
    "PlannedDayOut",
    "PlanOut",
    "PolicyIn",
    "PreviewMatchingResponse200",
    "Problem",
    "ProblemFieldError",
    "ProcessIn",
    "ProcessNames",
    "ProcessNamesOut",
    "ProcessOut",
    "ProgressIn",
    "ProgressOut",
    "ProgressPage",
    "ProgressStep",
    "RegisterChainAccountResponse201",
    "RegisterInspectionModelFilesBody",
    "RegisterInspectionModelJsonBody",
    "RegisterInspectionModelJsonBodyCard",
    "RegisterLedgerKeyResponse201",
    "ResourceIn",
    "ResourceInSkills",
    "ResourceKind",
    "ResourceOut",
    "ResourceOutSkills",
    "ResourcePage",
    "ResponseIn",
    "ResultsIn",
    "ResumeIn",
    "ReviewDecisionIn",
    "ReviewDecisionInDecision",
    "ReviewIn",
    "RunConnectorResponse200",
    "ScoreOut",
    "SelfCheckOut",
    "SelfCheckOutPoints",
    "SignalOut",
    "SiteIn",
    "SiteOut",
    "SitePage",
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
    "UploadLotImagesBody",
    "Urgency",
    "UtilisationOut",
    "UtilisationRowOut",
    "Visibility",
    "WeekComparisonOut",
    "WithdrawIn",
    "WithdrawOut",
)
