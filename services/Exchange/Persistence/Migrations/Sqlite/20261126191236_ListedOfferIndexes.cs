using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediaMesh.Exchange.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ListedOfferIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_offers_OwnerRegion_State_UpdateTime",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offers_State_FirstCreateTime",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offers_State_UpdateTime_Id",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offers_Type_State_UpdateTime",
                table: "offers");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_FirstCreateTime",
                table: "offers",
                column: "FirstCreateTime",
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_OwnerRegion_UpdateTime_Id",
                table: "offers",
                columns: new[] { "OwnerRegion", "UpdateTime", "Id" },
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_Type_UpdateTime_Id",
                table: "offers",
                columns: new[] { "Type", "UpdateTime", "Id" },
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_Listed_UpdateTime_Id",
                table: "offers",
                columns: new[] { "UpdateTime", "Id" },
                filter: "\"State\" IN (2, 3)");

            migrationBuilder.CreateIndex(
                name: "IX_offers_UpdateTime_Id",
                table: "offers",
                columns: new[] { "UpdateTime", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_offers_Listed_FirstCreateTime",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offers_Listed_OwnerRegion_UpdateTime_Id",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offers_Listed_Type_UpdateTime_Id",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offers_Listed_UpdateTime_Id",
                table: "offers");

            migrationBuilder.DropIndex(
                name: "IX_offers_UpdateTime_Id",
                table: "offers");

            migrationBuilder.CreateIndex(
                name: "IX_offers_OwnerRegion_State_UpdateTime",
                table: "offers",
                columns: new[] { "OwnerRegion", "State", "UpdateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_State_FirstCreateTime",
                table: "offers",
                columns: new[] { "State", "FirstCreateTime" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_State_UpdateTime_Id",
                table: "offers",
                columns: new[] { "State", "UpdateTime", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_offers_Type_State_UpdateTime",
                table: "offers",
                columns: new[] { "Type", "State", "UpdateTime" });
        }
    }
}
