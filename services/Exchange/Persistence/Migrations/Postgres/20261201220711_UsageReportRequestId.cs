using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class UsageReportRequestId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RequestId",
                table: "usage_reports",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "",
                collation: "C");

            migrationBuilder.CreateIndex(
                name: "ux_usage_reports_request",
                table: "usage_reports",
                columns: new[] { "LicenseeId", "RequestId" },
                unique: true,
                filter: "\"RequestId\" <> ''");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_usage_reports_request",
                table: "usage_reports");

            migrationBuilder.DropColumn(
                name: "RequestId",
                table: "usage_reports");
        }
    }
}
