/** Row types of the distributed plan's internal stages (Java beans, one per stage shape). No logic lives here. */
package io.zetaspark.job.plan.rows;
