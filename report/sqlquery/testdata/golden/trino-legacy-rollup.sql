-- curnorm test: the rollup of report --format csv, in the trino dialect (Trino, Presto)
-- metric amortized; by service, tag:Team, cost-category:Project; filters line-item-type!=Tax; split cost rows excluded
-- rule table sha256:61f361f1814d2414; columns of --flavour legacy; money is DECIMAL(38,10) from the first cast to the final sum
WITH line_items AS (
  SELECT
    COALESCE(NULLIF(CAST("line_item_line_item_type" AS varchar), ''), '') AS "line_item_line_item_type",
    COALESCE(NULLIF(CAST("line_item_operation" AS varchar), ''), '') AS "line_item_operation",
    COALESCE(NULLIF(CAST("reservation_reservation_a_r_n" AS varchar), ''), '') AS "reservation_reservation_a_r_n",
    COALESCE(NULLIF(CAST("line_item_product_code" AS varchar), ''), '') AS "line_item_product_code",
    COALESCE(NULLIF(CAST("line_item_line_item_description" AS varchar), ''), '') AS "line_item_line_item_description",
    CAST("line_item_unblended_cost" AS DECIMAL(38,10)) AS "line_item_unblended_cost",
    CAST("pricing_public_on_demand_cost" AS DECIMAL(38,10)) AS "pricing_public_on_demand_cost",
    CAST("discount_total_discount" AS DECIMAL(38,10)) AS "discount_total_discount",
    CAST("reservation_effective_cost" AS DECIMAL(38,10)) AS "reservation_effective_cost",
    CAST("savings_plan_savings_plan_effective_cost" AS DECIMAL(38,10)) AS "savings_plan_savings_plan_effective_cost",
    CAST("savings_plan_total_commitment_to_date" AS DECIMAL(38,10)) AS "savings_plan_total_commitment_to_date",
    CAST("savings_plan_used_commitment" AS DECIMAL(38,10)) AS "savings_plan_used_commitment",
    CAST("reservation_unused_amortized_upfront_fee_for_billing_period" AS DECIMAL(38,10)) AS "reservation_unused_amortized_upfront_fee_for_billing_period",
    CAST("reservation_unused_recurring_fee" AS DECIMAL(38,10)) AS "reservation_unused_recurring_fee",
    CASE WHEN NULLIF(CAST("bill_billing_entity" AS varchar), '') = 'AWS Marketplace' AND NULLIF(CAST("product_product_name" AS varchar), '') IS NOT NULL THEN NULLIF(CAST("product_product_name" AS varchar), '') ELSE COALESCE(NULLIF(CAST("line_item_product_code" AS varchar), ''), '(none)') END AS "dim_1",
    COALESCE(NULLIF(CAST("resource_tags_user_team" AS varchar), ''), '(none)') AS "dim_2",
    COALESCE(NULLIF(CAST("cost_category_project" AS varchar), ''), '(none)') AS "dim_3",
    COALESCE(NULLIF(CAST("line_item_line_item_type" AS varchar), ''), '(none)') AS "filter_1",
    COALESCE(NULLIF(CAST("line_item_currency_code" AS varchar), ''), '') AS currency
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
    COALESCE("discount_total_discount", CAST(0 AS DECIMAL(38,10))) AS discount_cost
  FROM kinds
),
parts AS (
  SELECT
    "dim_1" AS "key_1",
    "dim_2" AS "key_2",
    "dim_3" AS "key_3",
    currency,
    1 AS line_items,
    actual_cost AS cost,
    unblended_cost AS unblended,
    public_on_demand_cost AS on_demand,
    CASE WHEN priced_usage THEN actual_cost ELSE CAST(0 AS DECIMAL(38,10)) END AS priced_cost
  FROM costs
  WHERE "filter_1" NOT IN ('Tax')
  UNION ALL
  SELECT
    "dim_1" AS "key_1",
    "dim_2" AS "key_2",
    "dim_3" AS "key_3",
    currency,
    0 AS line_items,
    discount_cost AS cost,
    discount_cost AS unblended,
    CAST(0 AS DECIMAL(38,10)) AS on_demand,
    CAST(0 AS DECIMAL(38,10)) AS priced_cost
  FROM costs
  WHERE "filter_1" NOT IN ('Tax')
    AND discount_cost <> 0
)
SELECT
  "key_1" AS "service",
  "key_2" AS "tag:Team",
  "key_3" AS "cost-category:Project",
  currency AS "currency",
  CAST(SUM(line_items) AS bigint) AS "rows",
  CAST(SUM(cost) AS DECIMAL(38,10)) AS "cost",
  CAST(SUM(unblended) AS DECIMAL(38,10)) AS "unblended",
  CAST(SUM(on_demand) AS DECIMAL(38,10)) AS "on_demand",
  CAST(SUM(priced_cost) AS DECIMAL(38,10)) AS "priced_cost",
  CAST(CAST(SUM(on_demand) AS DECIMAL(38,10)) - CAST(SUM(priced_cost) AS DECIMAL(38,10)) AS DECIMAL(38,10)) AS "savings",
  CASE WHEN SUM(on_demand) = 0 THEN NULL ELSE CAST((CAST(SUM(on_demand) AS DECIMAL(38,10)) - CAST(SUM(priced_cost) AS DECIMAL(38,10))) / CAST(SUM(on_demand) AS DECIMAL(38,10)) AS DECIMAL(38,10)) END AS "savings_rate",
  SUM(priced_cost) > SUM(on_demand) AS "over_on_demand"
FROM parts
GROUP BY "key_1", "key_2", "key_3", currency
ORDER BY 6 DESC, 1, 2, 3, 4
