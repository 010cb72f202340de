-- curnorm test: the reconciliation of unblended with amortized cost, in the duckdb dialect (DuckDB)
-- metric amortized; by service, tag:Team, cost-category:Project; filters line-item-type!=Tax; split cost rows excluded
-- rule table sha256:61f361f1814d2414; columns of --flavour cur2; money is DECIMAL(38,10) from the first cast to the final sum
WITH line_items AS (
  SELECT
    COALESCE(NULLIF(CAST("line_item_line_item_type" AS VARCHAR), ''), '') AS "line_item_line_item_type",
    COALESCE(NULLIF(CAST("line_item_operation" AS VARCHAR), ''), '') AS "line_item_operation",
    COALESCE(NULLIF(CAST("reservation_reservation_a_r_n" AS VARCHAR), ''), '') AS "reservation_reservation_a_r_n",
    COALESCE(NULLIF(CAST("line_item_product_code" AS VARCHAR), ''), '') AS "line_item_product_code",
    COALESCE(NULLIF(CAST("line_item_line_item_description" AS VARCHAR), ''), '') AS "line_item_line_item_description",
    COALESCE(NULLIF(CAST("bill_invoice_id" AS VARCHAR), ''), '') AS "bill_invoice_id",
    CAST("line_item_unblended_cost" AS DECIMAL(38,10)) AS "line_item_unblended_cost",
    CAST("pricing_public_on_demand_cost" AS DECIMAL(38,10)) AS "pricing_public_on_demand_cost",
    CAST("discount_total_discount" AS DECIMAL(38,10)) AS "discount_total_discount",
    CAST("savings_plan_amortized_upfront_commitment_for_billing_period" AS DECIMAL(38,10)) AS "savings_plan_amortized_upfront_commitment_for_billing_period",
    CAST("reservation_amortized_upfront_fee_for_billing_period" AS DECIMAL(38,10)) AS "reservation_amortized_upfront_fee_for_billing_period",
    CAST("reservation_effective_cost" AS DECIMAL(38,10)) AS "reservation_effective_cost",
    CAST("savings_plan_savings_plan_effective_cost" AS DECIMAL(38,10)) AS "savings_plan_savings_plan_effective_cost",
    CAST("savings_plan_total_commitment_to_date" AS DECIMAL(38,10)) AS "savings_plan_total_commitment_to_date",
    CAST("savings_plan_used_commitment" AS DECIMAL(38,10)) AS "savings_plan_used_commitment",
    CAST("reservation_unused_amortized_upfront_fee_for_billing_period" AS DECIMAL(38,10)) AS "reservation_unused_amortized_upfront_fee_for_billing_period",
    CAST("reservation_unused_recurring_fee" AS DECIMAL(38,10)) AS "reservation_unused_recurring_fee",
    CASE WHEN NULLIF(CAST("bill_billing_entity" AS VARCHAR), '') = 'AWS Marketplace' AND NULLIF(CAST("product"['product_name'] AS VARCHAR), '') IS NOT NULL THEN NULLIF(CAST("product"['product_name'] AS VARCHAR), '') ELSE COALESCE(NULLIF(CAST("line_item_product_code" AS VARCHAR), ''), '(none)') END AS "dim_1",
    COALESCE(NULLIF(CAST("resource_tags"['user_team'] AS VARCHAR), ''), '(none)') AS "dim_2",
    COALESCE(COALESCE(NULLIF(CAST("cost_category"['Project'] AS VARCHAR), ''), NULLIF(CAST("cost_category"['project'] AS VARCHAR), '')), '(none)') AS "dim_3",
    COALESCE(NULLIF(CAST("line_item_line_item_type" AS VARCHAR), ''), '(none)') AS "filter_1",
    COALESCE(NULLIF(CAST("line_item_currency_code" AS VARCHAR), ''), '') AS currency,
    COALESCE(substr(NULLIF(CAST("bill_billing_period_start_date" AS VARCHAR), ''), 1, 7), '') AS billing_period
  FROM cur_db.cur_table
),
kinds AS (
  SELECT
    *,
    CASE
      WHEN "line_item_line_item_type" = 'Usage' THEN 'Usage'
      WHEN "line_item_line_item_type" = 'DiscountedUsage' THEN 'DiscountedUsage'
      WHEN "line_item_line_item_type" = 'SavingsPlanCoveredUsage' THEN 'SavingsPlanCoveredUsage'
      WHEN "line_item_line_item_type" = 'SavingsPlanNegation' THEN 'SavingsPlanNegation'
      WHEN "line_item_line_item_type" = 'SavingsPlanRecurringFee' THEN 'SavingsPlanRecurringFee'
      WHEN "line_item_line_item_type" = 'SavingsPlanUpfrontFee' THEN 'SavingsPlanUpfrontFee'
      WHEN "line_item_line_item_type" = 'RIFee' THEN 'RIFee'
      WHEN "line_item_line_item_type" = 'Fee' AND "reservation_reservation_a_r_n" <> '' THEN 'RIUpfrontFee'
      WHEN "line_item_line_item_type" = 'Refund' AND (length("line_item_product_code") >= 12 AND substr("line_item_product_code", length("line_item_product_code") - 11) = 'SavingsPlans') AND substr("line_item_line_item_description", 1, 43) = 'Refund for one-time fee for Savings Plan ID' THEN 'ReturnedSavingsPlanRefund'
      WHEN (length("line_item_line_item_type") >= 8 AND substr("line_item_line_item_type", length("line_item_line_item_type") - 7) = 'Discount') THEN 'Discount'
      ELSE 'Other'
    END AS cost_kind,
    "line_item_operation" IN ('EKSPod-EC2', 'ECSTask-EC2') AS split_cost_row
  FROM line_items
),
costs AS (
  SELECT
    *,
    COALESCE("line_item_unblended_cost", CAST(0 AS DECIMAL(38,10))) AS unblended_cost,
    CASE
      WHEN split_cost_row THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'DiscountedUsage' THEN CAST(COALESCE("reservation_effective_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanCoveredUsage' THEN CAST(COALESCE("savings_plan_savings_plan_effective_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanNegation' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanRecurringFee' THEN CAST(COALESCE("savings_plan_total_commitment_to_date", CAST(0 AS DECIMAL(38,10))) + -COALESCE("savings_plan_used_commitment", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanUpfrontFee' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'RIFee' THEN CAST(COALESCE("reservation_unused_amortized_upfront_fee_for_billing_period", CAST(0 AS DECIMAL(38,10))) + COALESCE("reservation_unused_recurring_fee", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'RIUpfrontFee' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'ReturnedSavingsPlanRefund' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'SplitCost' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'Discount' THEN CAST(COALESCE("line_item_unblended_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      ELSE CAST(COALESCE("line_item_unblended_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
    END AS actual_cost,
    CASE
      WHEN split_cost_row THEN 'Excluded: Split Cost Row'
      WHEN cost_kind = 'DiscountedUsage' THEN 'Reservation Effective Cost'
      WHEN cost_kind = 'SavingsPlanCoveredUsage' THEN 'Savings Plan Effective Cost'
      WHEN cost_kind = 'SavingsPlanNegation' THEN 'Excluded: Savings Plan Negation'
      WHEN cost_kind = 'SavingsPlanRecurringFee' THEN 'Unused Savings Plan Commitment'
      WHEN cost_kind = 'SavingsPlanUpfrontFee' THEN 'Excluded: Upfront Fee (amortized)'
      WHEN cost_kind = 'RIFee' THEN 'Unused Reservation Fee'
      WHEN cost_kind = 'RIUpfrontFee' THEN 'Excluded: Upfront Fee (amortized)'
      WHEN cost_kind = 'ReturnedSavingsPlanRefund' THEN 'Excluded: Returned Savings Plan Refund'
      WHEN cost_kind = 'SplitCost' THEN 'Excluded: Split Cost Row'
      WHEN cost_kind = 'Discount' THEN CASE WHEN "line_item_line_item_type" = 'Usage' THEN 'Unblended Cost' ELSE 'Unblended Cost: ' || "line_item_line_item_type" END
      ELSE CASE WHEN "line_item_line_item_type" = 'Usage' THEN 'Unblended Cost' ELSE 'Unblended Cost: ' || "line_item_line_item_type" END
    END AS actual_cost_source,
    CASE WHEN cost_kind IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') AND NOT split_cost_row AND COALESCE("pricing_public_on_demand_cost", 0) > 0 THEN "pricing_public_on_demand_cost" ELSE CAST(0 AS DECIMAL(38,10)) END AS public_on_demand_cost,
    cost_kind IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage') AND NOT split_cost_row AND COALESCE("pricing_public_on_demand_cost", 0) > 0 AS priced_usage,
    COALESCE("discount_total_discount", CAST(0 AS DECIMAL(38,10))) AS discount_cost,
    CASE
      WHEN split_cost_row THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'DiscountedUsage' THEN CAST(COALESCE("reservation_effective_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanCoveredUsage' THEN CAST(COALESCE("savings_plan_savings_plan_effective_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanNegation' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanRecurringFee' THEN CAST(COALESCE("savings_plan_total_commitment_to_date", CAST(0 AS DECIMAL(38,10))) + -COALESCE("savings_plan_used_commitment", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'SavingsPlanUpfrontFee' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'RIFee' THEN CAST(COALESCE("reservation_unused_amortized_upfront_fee_for_billing_period", CAST(0 AS DECIMAL(38,10))) + COALESCE("reservation_unused_recurring_fee", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      WHEN cost_kind = 'RIUpfrontFee' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'ReturnedSavingsPlanRefund' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'SplitCost' THEN CAST(0 AS DECIMAL(38,10))
      WHEN cost_kind = 'Discount' THEN CAST(COALESCE("line_item_unblended_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
      ELSE CAST(COALESCE("line_item_unblended_cost", CAST(0 AS DECIMAL(38,10))) AS DECIMAL(38,10))
    END AS amortized_cost
  FROM kinds
),
terms AS (
  SELECT
    billing_period, currency, "bill_invoice_id" AS invoice_id,
    unblended_cost + discount_cost AS unblended,
    actual_cost + discount_cost AS metric_cost,
    amortized_cost + discount_cost AS amortized,
    CASE WHEN cost_kind = 'SavingsPlanRecurringFee' THEN -COALESCE("savings_plan_amortized_upfront_commitment_for_billing_period", CAST(0 AS DECIMAL(38,10))) WHEN cost_kind = 'RIFee' THEN -COALESCE("reservation_amortized_upfront_fee_for_billing_period", CAST(0 AS DECIMAL(38,10))) ELSE CAST(0 AS DECIMAL(38,10)) END AS true_up,
    CASE WHEN CASE WHEN split_cost_row THEN 'SplitCost' ELSE cost_kind END IN ('SavingsPlanUpfrontFee', 'RIUpfrontFee') THEN unblended_cost ELSE CAST(0 AS DECIMAL(38,10)) END AS upfront_fees,
    CASE WHEN CASE WHEN split_cost_row THEN 'SplitCost' ELSE cost_kind END IN ('ReturnedSavingsPlanRefund') THEN unblended_cost ELSE CAST(0 AS DECIMAL(38,10)) END AS excluded_refunds,
    CASE WHEN CASE WHEN split_cost_row THEN 'SplitCost' ELSE cost_kind END IN ('SplitCost') THEN unblended_cost ELSE CAST(0 AS DECIMAL(38,10)) END AS split_cost
  FROM costs
  WHERE "filter_1" NOT IN ('Tax')
)
SELECT
  billing_period AS "billing_period",
  currency AS "currency",
  CAST(COUNT(*) AS BIGINT) AS "rows",
  CAST(SUM(CASE WHEN invoice_id = '' THEN 1 ELSE 0 END) AS BIGINT) AS "rows_without_invoice",
  CAST(SUM(unblended) AS DECIMAL(38,10)) AS "unblended",
  CAST(SUM(amortized) AS DECIMAL(38,10)) AS "amortized",
  CAST(SUM(true_up) AS DECIMAL(38,10)) AS "true_up",
  CAST(SUM(upfront_fees) AS DECIMAL(38,10)) AS "upfront_fees",
  CAST(SUM(excluded_refunds) AS DECIMAL(38,10)) AS "excluded_refunds",
  CAST(SUM(split_cost) AS DECIMAL(38,10)) AS "split_cost",
  CAST(CAST(SUM(unblended) AS DECIMAL(38,10)) - (CAST(SUM(amortized) AS DECIMAL(38,10)) + CAST(SUM(true_up) AS DECIMAL(38,10)) + CAST(SUM(upfront_fees) AS DECIMAL(38,10)) + CAST(SUM(excluded_refunds) AS DECIMAL(38,10)) + CAST(SUM(split_cost) AS DECIMAL(38,10))) AS DECIMAL(38,10)) AS "residual",
  CAST(NULL AS BOOLEAN) AS "reconciles"
FROM terms
GROUP BY billing_period, currency
ORDER BY 1, 2
